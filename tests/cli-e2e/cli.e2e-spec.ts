import { inspectPackage } from '@scorm-merge/scorm';
import {
  buildScorm12Package,
  compareCopiedFiles,
  inspectMergedManifest,
  readManifestText,
  readStoredEntries,
  removeTempFiles,
  validateWithXmllint,
  writeFixtureFiles,
  writeTempFile,
  xmllintAvailable,
  type FixtureFiles,
} from '@scorm-merge/scorm/testing';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer } from '../support/api-server';
import { corpusDir, workspaceRoot } from '../support/workspace';

const CLI = join(workspaceRoot(), 'dist', 'apps', 'cli', 'main.js');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI as a real process, its streams piped (so not a terminal). */
function runCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const family = (version: string) => (version === '1.2' ? '1.2' : '2004');

/** XSD-valid, unique identifiers, resolving references, every SCO kept, every learner file byte for byte. */
async function expectValidCourse(
  output: string,
  inputs: string[],
  options: { menu: boolean; xsdFolder?: string },
) {
  const manifest = await readManifestText(output);
  const facts = inspectMergedManifest(manifest);
  expect(facts.duplicateIds).toEqual([]);
  expect(facts.danglingRefs).toEqual([]);
  const inspected = await Promise.all(
    inputs.map((path) => inspectPackage(path, { filename: basename(path) })),
  );
  const scosIn = inspected.reduce((sum, p) => sum + p.scoCount, 0);
  expect(facts.scoItems).toHaveLength(scosIn + (options.menu ? 1 : 0));
  expect(facts.moduleTitles).toEqual(inspected.map((p) => p.title));

  const version = inspected.every((p) => p.scormVersion === '1.2') ? '1.2' : '2004 4th Edition';
  if (xmllintAvailable()) {
    const xsd = validateWithXmllint(manifest, family(version), options.xsdFolder);
    expect(xsd.output).toContain('imsmanifest.xml validates');
    expect(xsd.valid).toBe(true);
  } else {
    console.warn('xmllint is missing (apt-get install libxml2-utils): the XSD check is skipped.');
  }

  const merged = await readStoredEntries(output);
  const folders = [...new Set([...merged.keys()].map((name) => name.split('/')[0]))].filter((f) =>
    /^\d+-/.test(f),
  );
  expect(folders).toHaveLength(inputs.length);
  for (const [index, input] of inputs.entries()) {
    const { problems, compared } = await compareCopiedFiles(input, merged, `${folders.sort()[index]}/`);
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(0);
  }
  return { manifest, version };
}

describe('the command-line merge (built, run as a process)', () => {
  let work: string;
  let fixtures: FixtureFiles;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it first (nx run cli:build)`);
    fixtures = writeFixtureFiles();
  });
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'scorm-merge-cli-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  afterAll(() => removeTempFiles());

  it('merges SCORM 1.2 and 2004 packages into one valid 2004 course, with plain progress lines off a terminal', async () => {
    const output = join(work, 'course.zip');
    const inputs = [fixtures.rich12, fixtures.rich2004, fixtures.simple2004];
    const run = await runCli(['merge', '-o', output, ...inputs]);

    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).toMatch(/^ {2}0% Reading package 1 of 3$/m);
    expect(run.stderr).toMatch(/^100% Done$/m);
    expect(run.stdout).toMatch(
      /course\.zip: SCORM 2004 4th Edition, 3 modules, \d+ SCOs \(course menu included\), /,
    );
    expect(run.code).toBe(0);
    const { version } = await expectValidCourse(output, inputs, { menu: true });
    expect(version).toBe('2004 4th Edition');
    expect(readdirSync(work)).toEqual(['course.zip']);
  });

  it('keeps an all-1.2 course SCORM 1.2, and honours --title and --no-menu', async () => {
    const output = join(work, 'plain.zip');
    const inputs = [fixtures.simple12, fixtures.rich12];
    const run = await runCli([
      'merge',
      fixtures.simple12,
      '--title',
      '  Site   safety ',
      '-o',
      output,
      fixtures.rich12,
      '--no-menu',
    ]);

    expect(run.code).toBe(0);
    const { manifest, version } = await expectValidCourse(output, inputs, { menu: false });
    expect(version).toBe('1.2');
    expect(manifest).toMatch(/<organization [^>]*>\s*<title>Site safety<\/title>/);
    expect([...(await readStoredEntries(output)).keys()].some((name) => name.includes('course-menu'))).toBe(
      false,
    );
  });

  it('prints the facts the upload records as JSON', async () => {
    const run = await runCli(['inspect', fixtures.rich2004]);

    expect(run.code).toBe(0);
    const facts = await inspectPackage(fixtures.rich2004, { filename: basename(fixtures.rich2004) });
    expect(JSON.parse(run.stdout)).toEqual({
      filename: basename(fixtures.rich2004),
      ...JSON.parse(JSON.stringify(facts)),
      description: expect.any(String),
      descriptionSource: facts.lomDescription ? 'MANIFEST' : 'LOCAL',
    });
  });

  it('refuses the whole merge with exit 1 when a package is invalid, naming each bad file and its reason', async () => {
    const notZip = join(work, 'notes.zip');
    writeFileSync(notZip, 'just text');
    const noManifest = writeTempFile(
      buildScorm12Package().subarray(0, 10), // cut short: not a readable zip
      'cut.zip',
    );
    const output = join(work, 'course.zip');
    const run = await runCli([
      'merge',
      '-o',
      output,
      fixtures.simple12,
      notZip,
      noManifest,
      join(work, 'missing.zip'),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${notZip}: The file is not a zip archive.`);
    expect(run.stderr).toMatch(new RegExp(`${noManifest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+`));
    expect(run.stderr).toContain('missing.zip: cannot read it: no such file');
    expect(run.stderr).toContain('no course written: 3 of 4 packages are not valid SCORM packages.');
    expect(run.stdout).toBe('');
    expect(readdirSync(work)).toEqual(['notes.zip']);

    const inspect = await runCli(['inspect', notZip]);
    expect(inspect.code).toBe(1);
    expect(inspect.stdout).toBe('');
    expect(inspect.stderr).toContain('The file is not a zip archive.');
  });

  it.each([
    [[] as string[], 'no command given'],
    [['merge', 'a.zip'], 'merge needs the output file'],
    [['merge', '-o', 'x.zip', '--colour', 'a.zip'], "Unknown option '--colour'"],
    [['inspect', 'a.zip', 'b.zip'], 'inspect takes exactly one package'],
  ])('exits 2 on the usage error %j, with the usage on stderr', async (args, reason) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(reason);
    expect(run.stderr).toContain('Usage:');
  });

  it('draws a redrawn progress bar on a terminal', async () => {
    const output = join(work, 'course.zip');
    // `script` gives the CLI a pseudo-terminal, as a person's shell would.
    const command = [process.execPath, CLI, 'merge', '-o', output, fixtures.simple12, fixtures.simple2004]
      .map((part) => `'${part}'`)
      .join(' ');
    const run = await new Promise<CliRun>((resolve) =>
      execFile('script', ['-qefc', command, '/dev/null'], (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      ),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`\r${'░'.repeat(24)}   0% Reading package 1 of 2\x1b[K`);
    expect(run.stdout).toContain(`\r${'█'.repeat(24)} 100% Done\x1b[K`);
    expect(run.stdout).not.toMatch(/^ {2}0% Reading/m);
  });

  it('makes the same course as the server from the same packages', async () => {
    const inputs = [fixtures.rich2004, fixtures.simple12, fixtures.rich12];
    const title = 'Same course both ways';
    const cliOutput = join(work, 'cli.zip');
    expect((await runCli(['merge', '-o', cliOutput, '--title', title, ...inputs])).code).toBe(0);

    const server = await startApiServer({ dataDir: join(work, 'data') });
    const serverOutput = join(work, 'server.zip');
    try {
      const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
        server.url,
        'mutation { createSession { id } }',
      );
      const upload = await uploadPackages(
        server.url,
        createSession.id,
        inputs.map((path) => ({ name: basename(path), path })),
      );
      expect(upload.status).toBe(201);
      const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
        server.url,
        'mutation ($id: ID!, $title: String) { startMerge(sessionId: $id, options: { title: $title }) { id } }',
        { id: createSession.id, title },
      );
      let merge = { status: 'QUEUED', downloadUrl: null as string | null };
      for (let i = 0; i < 300 && merge.status !== 'COMPLETED' && merge.status !== 'FAILED'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const data = await graphqlOk<{ session: { merges: Array<typeof merge & { id: string }> } }>(
          server.url,
          'query ($id: ID!) { session(id: $id) { merges { id status downloadUrl } } }',
          { id: createSession.id },
        );
        merge = data.session.merges.find((m) => m.id === startMerge.id) ?? merge;
      }
      expect(merge.status).toBe('COMPLETED');
      const response = await fetch(new URL(merge.downloadUrl as string, server.url));
      writeFileSync(serverOutput, Buffer.from(await response.arrayBuffer()));
    } finally {
      await server.stop();
    }

    const [fromCli, fromServer] = await Promise.all([
      readStoredEntries(cliOutput),
      readStoredEntries(serverOutput),
    ]);
    expect([...fromCli.keys()]).toEqual([...fromServer.keys()]);
    for (const [name, entry] of fromCli) {
      if (name === 'imsmanifest.xml') continue;
      const other = fromServer.get(name);
      expect({ name, crc32: other?.info.crc32, size: other?.info.uncompressedSize }).toEqual({
        name,
        crc32: entry.info.crc32,
        size: entry.info.uncompressedSize,
      });
    }
    // Only the manifest's own identifier is made afresh for each merge.
    const withoutIdentifier = (xml: string) => xml.replace(/scorm-merge-[0-9a-f-]{36}/g, 'scorm-merge-ID');
    expect(withoutIdentifier(await readManifestText(cliOutput))).toBe(
      withoutIdentifier(await readManifestText(serverOutput)),
    );
  });

  const corpus = corpusDir();
  (corpus ? it : it.skip)('merges the shared corpus of real packages into one XSD-valid course', async () => {
    if (!corpus) return;
    const inputs = readdirSync(corpus)
      .filter((name) => name.endsWith('.zip'))
      .sort()
      .map((name) => join(corpus, name));
    const output = join(work, 'corpus.zip');
    const run = await runCli(['merge', '-o', output, ...inputs]);

    expect(run.stderr).not.toContain('no course written');
    expect(run.code).toBe(0);
    await expectValidCourse(output, inputs, { menu: true, xsdFolder: join(corpus, 'xsd', 'scorm2004-4th') });
  });
  if (!corpus)
    console.warn('../shared/fixtures/scorm is absent: the corpus merge through the CLI is skipped.');
});
