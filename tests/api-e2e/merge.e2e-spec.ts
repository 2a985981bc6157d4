import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { graphql, graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { subscriptionClient } from '../support/graphql-subscriptions';

interface MergeView {
  id: string;
  status: string;
  progress: number;
  step: string | null;
  downloadUrl: string | null;
  sizeBytes: number | null;
  error: string | null;
  title: string;
  scormVersion: string | null;
  modules: Array<{ folder: string; title: string; scoCount: number; items: string[] }>;
}
interface ProgressEvent {
  mergeId: string;
  status: string;
  step: string;
  progress: number;
}

const MERGE_FIELDS =
  'id status progress step downloadUrl sizeBytes error title scormVersion modules { folder title scoCount items }';

async function createSessionWith(server: ApiServer, files: Array<{ name: string; data: Buffer }>) {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.url,
    'mutation { createSession { id } }',
  );
  const upload = await uploadPackages(server.url, createSession.id, files);
  expect(upload.status).toBe(201);
  return {
    sessionId: createSession.id,
    packages: upload.body as Array<{ id: string; error: string | null; title: string }>,
  };
}

async function merges(server: ApiServer, sessionId: string): Promise<MergeView[]> {
  const data = await graphqlOk<{ session: { merges: MergeView[] } }>(
    server.url,
    `query ($id: ID!) { session(id: $id) { merges { ${MERGE_FIELDS} } } }`,
    { id: sessionId },
  );
  return data.session.merges;
}

async function waitForMerge(
  server: ApiServer,
  sessionId: string,
  mergeId: string,
  done: (m: MergeView) => boolean,
) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const merge = (await merges(server, sessionId)).find((m) => m.id === mergeId) as MergeView;
    if (done(merge)) return merge;
    if (Date.now() > deadline) throw new Error(`merge did not finish: ${JSON.stringify(merge)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function zipEntryNames(buffer: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: false }, (error, zip) => {
      if (error) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => names.push(entry.fileName));
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
    }),
  );
}

describe('merge through the real server process', () => {
  let work: string;
  let dataDir: string;
  let server: ApiServer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-e2e-merge-'));
    dataDir = join(work, 'data');
    server = await startApiServer({ dataDir });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('merges in session order with live progress, then downloads an attachment named after the course', async () => {
    const { sessionId, packages } = await createSessionWith(server, [
      { name: 'safety.zip', data: buildScorm12Package({ title: 'Safety Basics' }) },
      { name: 'broken.zip', data: Buffer.from('not a zip') },
      { name: 'fire.zip', data: buildScorm2004Package({ title: 'Fire Drill' }) },
    ]);
    await graphqlOk(
      server.url,
      'mutation ($id: ID!, $ids: [ID!]!) { reorderPackages(sessionId: $id, packageIds: $ids) { id } }',
      {
        id: sessionId,
        ids: [packages[2].id, packages[0].id],
      },
    );
    const subscriptions = subscriptionClient(server.url);
    const progress = await subscriptions.subscribe<ProgressEvent>(
      'mergeProgress',
      'subscription ($id: ID!) { mergeProgress(sessionId: $id) { mergeId status step progress } }',
      { id: sessionId },
    );
    try {
      const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(
        server.url,
        `mutation ($id: ID!) { startMerge(sessionId: $id, options: { title: "Site Safety <Induction>", includeMenu: true }) { ${MERGE_FIELDS} } }`,
        { id: sessionId },
      );
      expect(['QUEUED', 'RUNNING']).toContain(startMerge.status);
      expect(startMerge.downloadUrl).toBeNull();
      const completed = await progress.waitFor(
        (e) => e.mergeId === startMerge.id && e.status === 'COMPLETED',
      );
      expect(completed.progress).toBe(100);
      const values = progress.events.filter((e) => e.mergeId === startMerge.id).map((e) => e.progress);
      expect(values).toEqual([...values].sort((a, b) => a - b));

      const [merge] = await merges(server, sessionId);
      expect(merge).toMatchObject({
        id: startMerge.id,
        status: 'COMPLETED',
        progress: 100,
        scormVersion: '2004 4th Edition',
      });
      expect(merge.modules.map((m) => m.title)).toEqual(['Fire Drill', 'Safety Basics']);
      expect(merge.downloadUrl).toBe(`/api/sessions/${sessionId}/merges/${merge.id}/download`);

      const response = await fetch(`${server.url}${merge.downloadUrl}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/zip');
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="Site Safety Induction\.zip"/,
      );
      expect(response.headers.get('content-disposition')).toContain(
        encodeURIComponent('Site Safety <Induction>.zip'),
      );
      const zip = Buffer.from(await response.arrayBuffer());
      expect(zip.length).toBe(merge.sizeBytes);
      const names = await zipEntryNames(zip);
      expect(names).toContain('imsmanifest.xml');
      const folders = [...new Set(names.filter((n) => /^\d\d-/.test(n)).map((n) => n.split('/')[0]))];
      expect(folders.map((f) => `${f}/`)).toEqual(merge.modules.map((m) => m.folder));
      expect(folders[0]).toMatch(/^01-fire-drill/);
      expect(folders[1]).toMatch(/^02-safety-basics/);
    } finally {
      await subscriptions.close();
    }
  });

  it('answers a second start while a merge waits with that same merge, not another copy', async () => {
    const big = await createSessionWith(server, [
      {
        name: 'big.zip',
        data: buildScorm12Package({
          title: 'Big',
          extraFiles: [{ name: 'media/video.bin', data: randomBytes(80 * 1024 * 1024), method: 'store' }],
        }),
      },
    ]);
    const small = await createSessionWith(server, [
      { name: 's.zip', data: buildScorm12Package({ title: 'Small' }) },
    ]);
    const start = (id: string) =>
      graphqlOk<{ startMerge: MergeView }>(
        server.url,
        'mutation ($id: ID!) { startMerge(sessionId: $id) { id status } }',
        {
          id,
        },
      );
    const first = (await start(big.sessionId)).startMerge;
    // Merges run one at a time, so the small session's merge waits behind the big one.
    const queued = (await start(small.sessionId)).startMerge;
    const again = (await start(small.sessionId)).startMerge;
    expect(queued.status).toBe('QUEUED');
    expect(again.id).toBe(queued.id);
    await waitForMerge(server, big.sessionId, first.id, (m) => m.status === 'COMPLETED');
    await waitForMerge(server, small.sessionId, queued.id, (m) => m.status === 'COMPLETED');
    expect(await merges(server, small.sessionId)).toHaveLength(1);
  });

  it('answers two startMerge requests sent at the same moment with one merge, and runs only that one', async () => {
    const { sessionId } = await createSessionWith(server, [
      { name: 'one.zip', data: buildScorm12Package({ title: 'One' }) },
      { name: 'two.zip', data: buildScorm2004Package({ title: 'Two' }) },
    ]);
    const start = () =>
      graphqlOk<{ startMerge: MergeView }>(
        server.url,
        'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
        {
          id: sessionId,
        },
      );
    const rounds = 4;
    const started: string[] = [];
    for (let round = 0; round < rounds; round++) {
      // Free space is measured at most once a second: a start that measures it waits for the disk, and
      // a second start of the session can pass the "already active?" check meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const answers = await Promise.all([start(), start()]);
      const ids = new Set(answers.map((answer) => answer.startMerge.id));
      expect(ids.size).toBe(1);
      const [id] = ids;
      started.push(id);
      await waitForMerge(server, sessionId, id, (m) => m.status === 'COMPLETED');
    }
    const all = await merges(server, sessionId);
    expect(all.map((m) => m.id).sort()).toEqual([...started].sort());
    expect(all.every((m) => m.status === 'COMPLETED')).toBe(true);
  });

  it('answers 404 for unknown ids, path tricks and other sessions, and refuses to merge nothing', async () => {
    const a = await createSessionWith(server, [{ name: 'a.zip', data: buildScorm12Package({ title: 'A' }) }]);
    const b = await createSessionWith(server, [{ name: 'b.zip', data: Buffer.from('broken') }]);
    const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
      {
        id: a.sessionId,
      },
    );
    await waitForMerge(server, a.sessionId, startMerge.id, (m) => m.status === 'COMPLETED');
    const base = `${server.url}/api/sessions`;
    for (const url of [
      `${base}/${a.sessionId}/merges/00000000-0000-4000-8000-000000000000/download`,
      `${base}/${a.sessionId}/merges/..%2F..%2Fscorm-merge.sqlite/download`,
      `${base}/${a.sessionId}/merges/${encodeURIComponent('../../../etc/passwd')}/download`,
      `${base}/${b.sessionId}/merges/${startMerge.id}/download`,
    ]) {
      const response = await fetch(url);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
      expect(await response.json()).toMatchObject({ message: expect.any(String) });
    }
    const nothing = await graphql(server.url, 'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }', {
      id: b.sessionId,
    });
    expect(nothing.errors?.[0].message).toMatch(/no valid package/);
  });

  it('fails with a message naming a package whose file went missing', async () => {
    const { sessionId, packages } = await createSessionWith(server, [
      { name: 'kept.zip', data: buildScorm12Package({ title: 'Kept' }) },
      { name: 'vanished.zip', data: buildScorm12Package({ title: 'Vanished' }) },
    ]);
    unlinkSync(join(dataDir, 'uploads', sessionId, `${packages[1].id}.zip`));
    const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
      {
        id: sessionId,
      },
    );
    const failed = await waitForMerge(
      server,
      sessionId,
      startMerge.id,
      (m) => m.status !== 'QUEUED' && m.status !== 'RUNNING',
    );
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toContain('vanished.zip');
    const download = await fetch(`${server.url}/api/sessions/${sessionId}/merges/${startMerge.id}/download`);
    expect(download.status).toBe(409);
  });

  it('resumes a merge that a restart interrupted, never leaving it RUNNING', async () => {
    const { sessionId, packages } = await createSessionWith(server, [
      { name: 'one.zip', data: buildScorm12Package({ title: 'One' }) },
      { name: 'two.zip', data: buildScorm12Package({ title: 'Two' }) },
    ]);
    await server.stop('SIGKILL');
    // The state a kill mid-merge leaves behind: a RUNNING row.
    const db = new Database(join(dataDir, 'scorm-merge.sqlite'));
    const mergeId = '11111111-2222-4333-8444-555555555555';
    db.prepare(
      `INSERT INTO "merge" (id, sessionId, status, progress, step, title, includeMenu, packageIds, createdAt) VALUES (?, ?, 'RUNNING', 40, 'Copying', 'Interrupted course', 1, ?, datetime('now'))`,
    ).run(mergeId, sessionId, JSON.stringify(packages.map((p) => p.id)));
    db.close();
    server = await startApiServer({ dataDir });
    const merge = await waitForMerge(
      server,
      sessionId,
      mergeId,
      (m) => m.status !== 'RUNNING' && m.status !== 'QUEUED',
    );
    expect(merge).toMatchObject({ status: 'COMPLETED', progress: 100, title: 'Interrupted course' });
    expect(merge.modules.map((m) => m.title)).toEqual(['One', 'Two']);
    expect((await fetch(`${server.url}${merge.downloadUrl}`)).status).toBe(200);
  });
});
