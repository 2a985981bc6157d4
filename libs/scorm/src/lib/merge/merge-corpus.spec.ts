import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectPackage } from '../inspection/package-inspector';
import type { MergeInput } from './merge-types';
import { mergePackages } from './merge-packages';
import { expectSoundMerge } from '../../testing/merge-assertions';
import { readManifestText, xmllintAvailable } from '../../testing/merged-package-checks';
import { sharedFixturesDir } from '../../testing/shared-fixtures';

const dir = sharedFixturesDir('scorm') ?? '../shared/fixtures/scorm';
// The corpus is not ours to ship; a fresh clone has none.
const describeCorpus = existsSync(dir) ? describe : describe.skip;
if (!existsSync(dir)) console.warn(`Skipping the SCORM corpus merges: ${dir} is absent.`);
if (!xmllintAvailable())
  console.warn('xmllint is missing (apt-get install libxml2-utils): XSD checks are skipped.');

describeCorpus('mergePackages on the real corpus (../shared/fixtures/scorm)', () => {
  const zips = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.zip'))
        .sort()
    : [];
  const is12 = (name: string) => name.endsWith('-12.zip');
  const xsdFolder = { '1.2': join(dir, 'xsd/scorm12'), '2004': join(dir, 'xsd/scorm2004-4th') };
  let out: string;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'scorm-merge-corpus-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  async function inputsFor(names: string[]): Promise<MergeInput[]> {
    const inputs: MergeInput[] = [];
    for (const name of names) {
      const facts = await inspectPackage(join(dir, name), { filename: name });
      inputs.push({
        zipPath: join(dir, name),
        title: `${facts.title} (${name.replace('.zip', '')})`,
        description: facts.lomDescription ?? '',
        filename: name,
      });
    }
    return inputs;
  }

  const mixes: Array<[string, () => string[], string]> = [
    ['all SCORM 1.2', () => zips.filter(is12), '1.2'],
    ['all SCORM 2004', () => zips.filter((name) => !is12(name)), '2004 4th Edition'],
    [
      'mixed 1.2 and 2004, 1.2 first and last',
      () => [
        'scorm-debugger-nested-prereq-12.zip',
        'golf-seq-forcedsequential-2004-3rd.zip',
        'golf-seq-posttestrollup-2004-4th.zip',
        'golf-runtime-minimumcalls-multisco-12.zip',
      ],
      '2004 4th Edition',
    ],
    ['all 12 packages, reversed', () => [...zips].reverse(), '2004 4th Edition'],
  ];

  it.each(mixes)(
    '%s: valid, unique, resolving, every SCO kept, bytes identical, in order',
    async (label, names, version) => {
      const inputs = await inputsFor(names());
      const result = await mergePackages(inputs, join(out, `${label.replace(/\W+/g, '-')}.zip`), {
        title: `Corpus: ${label}`,
      });
      expect(result.scormVersion).toBe(version);
      const report = await expectSoundMerge(result, inputs, { xsdFolder });
      console.log(
        `${label}: ${inputs.length} packages → SCORM ${result.scormVersion}, XSD ${report.xsd}, XPath ${JSON.stringify(report.xpath)}, SCO items ${report.scoItemsIn} in → ${report.scoItemsOut} out (with menu), ${report.filesCompared} files byte-identical, ${result.sizeBytes} bytes`,
      );
    },
  );

  it('uses the first organization when the default names none (scorm-debugger)', async () => {
    const inputs = await inputsFor(['scorm-debugger-nested-prereq-12.zip']);
    const result = await mergePackages(inputs, join(out, 'debugger.zip'), { title: 'Debugger' });
    expect(result.modules[0].scoCount).toBe(7);
    expect(result.warnings[0]).toMatch(
      /default organization "SCORMDEbugger555f231e21b982c25d16" does not exist/,
    );
    // Its manifest names a metadata file it does not contain: the reference is dropped, with a warning.
    expect(result.warnings).toContainEqual(
      expect.stringMatching(/metadata files named in the manifest are not in the package .*"imslrm.xml"/),
    );
    expect(await readManifestText(result.outputPath)).not.toContain('imslrm.xml');
  });
});
