import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordRows, sharedFixturesDir, yauzlRecordRows } from '../../testing';
import { inspectPackage } from './package-inspector';
import { describePackageLocally } from './package-summary';
import { withZipArchive } from '../zip/zip-archive';

const dir = sharedFixturesDir('scorm') ?? '../shared/fixtures/scorm';

interface Expected {
  scormVersion: string;
  schemaVersion: string;
  /** "SCO items" in SOURCES.md. */
  scoCount: number;
  lomTitle?: string;
  lomDescriptionStart?: string;
  warnings?: RegExp[];
}

const EXPECTED: Record<string, Expected> = {
  'golf-cp-singlesco-12.zip': { scormVersion: '1.2', schemaVersion: '1.2', scoCount: 1 },
  'golf-runtime-minimumcalls-multisco-12.zip': { scormVersion: '1.2', schemaVersion: '1.2', scoCount: 18 },
  'golf-cp-singlesco-2004-2nd.zip': {
    scormVersion: '2004 2nd Edition',
    schemaVersion: 'CAM 1.3',
    scoCount: 1,
  },
  'golf-cp-singlesco-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 1,
  },
  'golf-cp-metadata-lom-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 1,
    lomTitle: 'Golf Explained',
    lomDescriptionStart: 'A high level overview of the sport of golf.',
  },
  'golf-runtime-minimumcalls-multisco-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 18,
  },
  'golf-runtime-advancedcalls-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 1,
  },
  'golf-seq-forcedsequential-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 5,
  },
  'golf-seq-prepostrollup-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 6,
  },
  'golf-seq-simpleremediation-2004-3rd.zip': {
    scormVersion: '2004 3rd Edition',
    schemaVersion: '2004 3rd Edition',
    scoCount: 8,
  },
  'golf-seq-posttestrollup-2004-4th.zip': {
    scormVersion: '2004 4th Edition',
    schemaVersion: '2004 4th Edition',
    scoCount: 5,
  },
  'scorm-debugger-nested-prereq-12.zip': {
    scormVersion: '1.2',
    schemaVersion: '1.2',
    scoCount: 7,
    warnings: [
      /^The default organization "SCORMDEbugger555f231e21b982c25d16" does not exist; the first organization "mm-SCORMDEbugger555f231e21b982c25d16" is used instead\.$/,
      /^The metadata file "imslrm.xml" named in the manifest is not in the zip\.$/,
    ],
  },
};

if (!existsSync(dir)) {
  console.warn(`Skipping the SCORM corpus test: ${dir} does not exist.`);
}

const describeCorpus = existsSync(dir) ? describe : describe.skip; // fixtures are not ours to ship; a fresh clone has none

describeCorpus('SCORM fixture corpus (../shared/fixtures/scorm)', () => {
  it('holds exactly the 12 packages SOURCES.md lists', () => {
    const zips = readdirSync(dir)
      .filter((name) => name.endsWith('.zip'))
      .sort();
    expect(zips).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (filename, expected) => {
    const facts = await inspectPackage(join(dir, filename), { filename });
    expect(facts.scormVersion).toBe(expected.scormVersion);
    expect(facts.schemaVersion).toBe(expected.schemaVersion);
    expect(facts.scormFamily).toBe(expected.scormVersion === '1.2' ? '1.2' : '2004');
    expect(facts.scoCount).toBe(expected.scoCount);
    expect(facts.title.trim()).not.toBe('');
    expect(facts.rootFolder).toBe('');
    expect(facts.manifestIdentifier).not.toBe('');
    expect(facts.outline.length).toBeGreaterThanOrEqual(expected.scoCount > 0 ? 1 : 0);
    expect(facts.contentSample.length).toBeLessThanOrEqual(4000);
    expect(facts.entryCount).toBeGreaterThan(1);

    if (expected.lomTitle) expect(facts.title).toBe(expected.lomTitle);
    else if (filename.startsWith('golf-')) expect(facts.title).toMatch(/^Golf Explained - /);
    if (expected.lomDescriptionStart)
      expect(facts.lomDescription?.startsWith(expected.lomDescriptionStart)).toBe(true);
    else expect(facts.lomDescription).toBeNull();

    const warnings = expected.warnings ?? [];
    expect(facts.warnings).toHaveLength(warnings.length);
    warnings.forEach((pattern, i) => expect(facts.warnings[i]).toMatch(pattern));

    const description = describePackageLocally(facts);
    expect(description.length).toBeLessThanOrEqual(300);
    expect(description).toMatch(new RegExp(`^.+ is a SCORM ${expected.scormVersion} course.*\\.$`));
  });

  it.each(Object.keys(EXPECTED))('reads the same central directory as yauzl from %s', async (filename) => {
    const path = join(dir, filename);
    const ours = await withZipArchive(path, {}, async (archive) => recordRows(archive.entries));
    expect(ours).toEqual(await yauzlRecordRows(readFileSync(path)));
  });

  it('describes the multi-SCO golf course by its four parts', async () => {
    const filename = 'golf-runtime-minimumcalls-multisco-12.zip';
    const facts = await inspectPackage(join(dir, filename), { filename });
    expect(describePackageLocally(facts)).toMatch(
      /^Golf Explained - Minimum Run-time Calls is a SCORM 1\.2 course in 18 lessons covering Playing the Game, Etiquette, Handicapping and Having Fun\. \S.{38,}\.$/,
    );
  });
});
