import {
  buildScorm12PrerequisitePackage,
  PREREQUISITE_SHAPES,
  removeTempFiles,
  writeFixtureFiles,
  writeTempFile,
  type FixtureFiles,
} from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';

interface MergeView {
  id: string;
  status: string;
  warnings: string[];
}

/** Starts a merge of the given packages in a new session and waits for its end. */
async function mergeInNewSession(server: ApiServer, paths: string[]): Promise<MergeView> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.url,
    'mutation { createSession { id } }',
  );
  const upload = await uploadPackages(
    server.url,
    createSession.id,
    paths.map((path) => ({ name: basename(path), path })),
  );
  expect(upload.status).toBe(201);
  const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(
    server.url,
    'mutation ($id: ID!) { startMerge(sessionId: $id) { id status warnings } }',
    { id: createSession.id },
  );
  expect(startMerge.warnings).toEqual([]);
  for (let i = 0; i < 300; i++) {
    const { session } = await graphqlOk<{ session: { merges: MergeView[] } }>(
      server.url,
      'query ($id: ID!) { session(id: $id) { merges { id status warnings } } }',
      { id: createSession.id },
    );
    const merge = session.merges.find((m) => m.id === startMerge.id) as MergeView;
    if (!['QUEUED', 'RUNNING'].includes(merge.status)) return merge;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the merge did not end');
}

describe('merge warnings reach the user', () => {
  let work: string;
  let server: ApiServer;
  let fixtures: FixtureFiles;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-security-warnings-'));
    fixtures = writeFixtureFiles();
    server = await startApiServer({ dataDir: join(work, 'data') });
  });

  afterAll(async () => {
    await server?.stop();
    removeTempFiles();
    rmSync(work, { recursive: true, force: true });
  });

  it('names the SCORM 1.2 prerequisites a 2004 course cannot express, with package and item, on the merge and in the log', async () => {
    // Every prerequisite shape; with a 2004 package the course becomes SCORM 2004.
    const shapes = writeTempFile(
      buildScorm12PrerequisitePackage('Prerequisite shapes', PREREQUISITE_SHAPES),
      'prerequisite-shapes.zip',
    );
    const merge = await mergeInNewSession(server, [shapes, fixtures.simple2004]);

    expect(merge.status).toBe('COMPLETED');
    const prerequisiteWarnings = merge.warnings.filter((warning) => warning.includes('prerequisites'));
    // The ones left out are named (~, =, <>, a set, parentheses, an unknown item); the converted ones are not.
    expect(prerequisiteWarnings).toHaveLength(6);
    expect(prerequisiteWarnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^“Prerequisite shapes” \(position 1, file “prerequisite-shapes\.zip”\): the item "negated" has SCORM 1\.2 prerequisites \("~intro"\) that the merge cannot turn into SCORM 2004 sequencing/,
        ),
        expect.stringMatching(/the item "unknown" has .*"missing_item" is not an item of the package/),
      ]),
    );
    expect(prerequisiteWarnings.join('\n')).not.toMatch(/the item "(basics|practice|review)"/);
    expect(server.logs.join('\n')).toContain('merge finished with warnings');
    console.log(`merge warnings shown: ${JSON.stringify(merge.warnings)}`);
  });

  it('converts the prerequisites it can express without a warning', async () => {
    // rich12's "intro & child" becomes disabled rules.
    const merge = await mergeInNewSession(server, [fixtures.rich12, fixtures.simple2004]);
    expect(merge.status).toBe('COMPLETED');
    expect(merge.warnings.filter((warning) => warning.includes('prerequisites'))).toEqual([]);
  });

  it('has none when nothing was adapted', async () => {
    const merge = await mergeInNewSession(server, [fixtures.simple12, fixtures.simple2004]);
    expect(merge).toMatchObject({ status: 'COMPLETED', warnings: [] });
  });
});
