import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, graphqlOk } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import {
  createSession,
  KIB,
  type PackageEntry,
  sendMultipart,
  uploadedFiles,
  validPackageOfSize,
  writeConfig,
} from './storage-test-kit';

const DAY_MS = 24 * 60 * 60 * 1000;
const DATABASE_FILE = 'scorm-merge.sqlite';

interface MergeRow {
  id: string;
  status: string;
  downloadUrl: string | null;
  expiresAt: string | null;
  finishedAt: string | null;
}

/** The text form TypeORM writes to SQLite datetime columns. */
function sqliteDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

async function sessionWithMerge(url: string): Promise<{ sessionId: string; mergeId: string }> {
  const sessionId = await createSession(url);
  const upload = await sendMultipart(
    url,
    sessionId,
    [
      { name: 'a.zip', data: validPackageOfSize('A', 2 * KIB) },
      { name: 'b.zip', data: validPackageOfSize('B', 2 * KIB) },
    ],
    { chunked: false },
  );
  expect(upload.status).toBe(201);
  const mergeId = await startMerge(url, sessionId);
  await waitFor(async () => (await merges(url, sessionId))[0]?.status === 'COMPLETED');
  return { sessionId, mergeId };
}

async function startMerge(url: string, sessionId: string): Promise<string> {
  const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
    url,
    'mutation ($s: ID!) { startMerge(sessionId: $s) { id } }',
    { s: sessionId },
  );
  return startMerge.id;
}

async function merges(url: string, sessionId: string): Promise<MergeRow[]> {
  const data = await graphqlOk<{ session: { merges: MergeRow[] } | null }>(
    url,
    'query ($id: ID!) { session(id: $id) { merges { id status downloadUrl expiresAt finishedAt } } }',
    { id: sessionId },
  );
  return data.session?.merges ?? [];
}

async function sessionExists(url: string, sessionId: string): Promise<boolean> {
  const data = await graphqlOk<{ session: { id: string } | null }>(
    url,
    'query ($id: ID!) { session(id: $id) { id } }',
    {
      id: sessionId,
    },
  );
  return data.session !== null;
}

function countRows(dataDir: string, sessionIds: string[]): Record<string, number> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const marks = sessionIds.map(() => '?').join(', ');
    const count = (sql: string) => (db.prepare(sql).get(...sessionIds) as { n: number }).n;
    return {
      session: count(`SELECT COUNT(*) AS n FROM "session" WHERE "id" IN (${marks})`),
      package: count(`SELECT COUNT(*) AS n FROM "package" WHERE "sessionId" IN (${marks})`),
      merge: count(`SELECT COUNT(*) AS n FROM "merge" WHERE "sessionId" IN (${marks})`),
      descriptionTask: count(`SELECT COUNT(*) AS n FROM "description_task" WHERE "sessionId" IN (${marks})`),
      descriptionTaskItem: count(
        `SELECT COUNT(*) AS n FROM "description_task_item" WHERE "taskId" IN (SELECT "id" FROM "description_task" WHERE "sessionId" IN (${marks}))`,
      ),
    };
  } finally {
    db.close();
  }
}

describe('retention: idle sessions and old merged zips are deleted', () => {
  let work: string;
  let server: ApiServer | null = null;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'security-retention-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('at boot deletes sessions idle past sessionIdleDays with every row and file, in batches, and expires old merges', async () => {
    const dataDir = join(work, 'boot');
    const config = writeConfig(join(work, 'boot.json'), { retention: { sweepBatchSize: 7 } });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    const url = server.url;

    // Two idle sessions with everything a session can hold: packages, a merge, a description task.
    const idle = [await sessionWithMerge(url), await sessionWithMerge(url)];
    for (const { sessionId } of idle) {
      await graphqlOk(url, 'mutation ($s: ID!) { startDescriptions(sessionId: $s) { id } }', {
        s: sessionId,
      });
    }
    // Many empty idle sessions, to run several batches.
    const empties = await Promise.all(Array.from({ length: 40 }, () => createSession(url)));
    // A session in use whose merge is older than mergeDays.
    const kept = await sessionWithMerge(url);
    const idleIds = [...idle.map((s) => s.sessionId), ...empties];
    await waitFor(async () => {
      const rows = countRows(
        dataDir,
        idle.map((s) => s.sessionId),
      );
      const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      const open = (
        db
          .prepare(`SELECT COUNT(*) AS n FROM "description_task" WHERE "status" IN ('QUEUED', 'RUNNING')`)
          .get() as {
          n: number;
        }
      ).n;
      db.close();
      return rows.descriptionTask === 2 && open === 0;
    });
    const before = countRows(
      dataDir,
      idle.map((s) => s.sessionId),
    );
    expect(before).toMatchObject({
      session: 2,
      package: 4,
      merge: 2,
      descriptionTask: 2,
      descriptionTaskItem: 4,
    });
    for (const { sessionId } of idle) {
      expect(uploadedFiles(dataDir, sessionId)).toHaveLength(2);
      expect(existsSync(join(dataDir, 'merges', sessionId))).toBe(true);
    }
    // The preview outline is saved beside the zip just after the merge completes.
    await waitFor(async () =>
      existsSync(join(dataDir, 'merges', kept.sessionId, `${kept.mergeId}.zip.preview.json`)),
    );
    await server.stop();

    // The clock, honestly: the rows say 31 days of silence (and a merge finished 8 days ago).
    const db = new Database(join(dataDir, DATABASE_FILE));
    const setIdle = db.prepare(`UPDATE "session" SET "createdAt" = ?, "updatedAt" = ? WHERE "id" = ?`);
    for (const id of idleIds)
      setIdle.run(
        sqliteDatetime(new Date(Date.now() - 40 * DAY_MS)),
        sqliteDatetime(new Date(Date.now() - 31 * DAY_MS)),
        id,
      );
    db.prepare(`UPDATE "merge" SET "finishedAt" = ? WHERE "id" = ?`).run(
      sqliteDatetime(new Date(Date.now() - 8 * DAY_MS)),
      kept.mergeId,
    );
    db.close();

    const restarted = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    server = restarted;
    await waitFor(async () => !(await sessionExists(restarted.url, idleIds[idleIds.length - 1])));
    await waitFor(async () => (await merges(restarted.url, kept.sessionId))[0]?.status === 'EXPIRED');

    await waitFor(async () => restarted.logs.some((line) => line.includes('retention sweep')));
    for (const id of idleIds) expect(await sessionExists(server.url, id)).toBe(false);
    expect(
      countRows(
        dataDir,
        idle.map((s) => s.sessionId),
      ),
    ).toEqual({
      session: 0,
      package: 0,
      merge: 0,
      descriptionTask: 0,
      descriptionTaskItem: 0,
    });
    for (const { sessionId } of idle) {
      expect(existsSync(join(dataDir, 'uploads', sessionId))).toBe(false);
      expect(existsSync(join(dataDir, 'merges', sessionId))).toBe(false);
    }
    const sweepLog = server.logs.find((line) => line.includes('retention sweep'));
    console.log(`boot sweep: ${sweepLog}`);
    expect(sweepLog).toMatch(/"deletedSessions":42/);
    expect(sweepLog).toMatch(/"expiredMerges":1/);

    // The session in use stays; its old merge is EXPIRED, its zip gone, its download 410 Gone.
    expect(await sessionExists(server.url, kept.sessionId)).toBe(true);
    const [expired] = await merges(server.url, kept.sessionId);
    expect(expired).toMatchObject({ id: kept.mergeId, status: 'EXPIRED', downloadUrl: null });
    expect(new Date(expired.expiresAt ?? 0).getTime()).toBeLessThan(Date.now());
    expect(existsSync(join(dataDir, 'merges', kept.sessionId, `${kept.mergeId}.zip`))).toBe(false);
    // With the preview outline saved beside it.
    expect(existsSync(join(dataDir, 'merges', kept.sessionId, `${kept.mergeId}.zip.preview.json`))).toBe(
      false,
    );
    const gone = await fetch(`${server.url}/api/sessions/${kept.sessionId}/merges/${kept.mergeId}/download`);
    expect(gone.status).toBe(410);
    const goneBody = (await gone.json()) as { message: string };
    expect(goneBody.message).toMatch(/deleted after its retention period. Start the merge again/);
    console.log(`expired merge download: 410 "${goneBody.message}"`);

    // And it can be run again from the same packages.
    const again = await startMerge(server.url, kept.sessionId);
    await waitFor(async () => (await merges(restarted.url, kept.sessionId))[0]?.status === 'COMPLETED');
    const [fresh] = await merges(server.url, kept.sessionId);
    expect(fresh.id).toBe(again);
    expect(new Date(fresh.expiresAt ?? 0).getTime() - new Date(fresh.finishedAt ?? 0).getTime()).toBe(
      7 * DAY_MS,
    );
    expect((await fetch(`${server.url}${fresh.downloadUrl}`)).status).toBe(200);
  });

  it('sweeps periodically, never deletes a session while its upload is running, and moves expiresAt on writes', async () => {
    const dataDir = join(work, 'periodic');
    // Two seconds of idleness, a sweep every 300 ms: the same code path as 30 days and an hour.
    const idleDays = 2 / (24 * 60 * 60);
    const config = writeConfig(join(work, 'periodic.json'), {
      retention: { sessionIdleDays: idleDays, sweepIntervalMinutes: 0.005 },
    });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    const url = server.url;

    const sessionId = await createSession(url);
    const { session } = await graphqlOk<{ session: { createdAt: string; expiresAt: string } }>(
      url,
      'query ($id: ID!) { session(id: $id) { createdAt expiresAt } }',
      { id: sessionId },
    );
    expect(new Date(session.expiresAt).getTime() - new Date(session.createdAt).getTime()).toBe(2000);

    // An upload that takes 4 s, twice the idle limit: the session is busy all that time.
    const boundary = 'slow-boundary';
    const data = validPackageOfSize('Slow', 64 * KIB);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.zip"\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${url}/api/sessions/${sessionId}/packages`,
        {
          method: 'POST',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': head.length + data.length + tail.length,
          },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      request.write(head);
      let offset = 0;
      const step = Math.ceil(data.length / 8);
      const timer = setInterval(() => {
        request.write(data.subarray(offset, offset + step));
        offset += step;
        if (offset >= data.length) {
          clearInterval(timer);
          request.end(tail);
        }
      }, 500);
    });
    const upload = await answer;
    expect(upload.status).toBe(201);
    expect((JSON.parse(upload.body) as PackageEntry[])[0].error).toBeNull();
    // Survived sweeps every 300 ms for 4 s while idle by its rows' dates alone.
    expect(await sessionExists(url, sessionId)).toBe(true);

    // The upload was a write: expiresAt moved to its end + 2 s.
    const after = await graphqlOk<{ session: { expiresAt: string } }>(
      url,
      'query ($id: ID!) { session(id: $id) { expiresAt } }',
      { id: sessionId },
    );
    expect(new Date(after.session.expiresAt).getTime()).toBeGreaterThan(
      new Date(session.expiresAt).getTime() + 3000,
    );

    // Left alone, it goes with its files at the next sweep past expiresAt.
    const idleFrom = Date.now();
    await waitFor(async () => !(await sessionExists(url, sessionId)), 15_000);
    const deletedAfterMs = Date.now() - idleFrom;
    // The rows go first (in one tick with the busy check), the folder right after.
    await waitFor(async () => !existsSync(join(dataDir, 'uploads', sessionId)), 5_000);
    console.log(
      `periodic sweep: busy session kept through a 4 s upload; deleted ${deletedAfterMs} ms after its last write (limit 2000 ms, sweep every 300 ms)`,
    );
    expect(deletedAfterMs).toBeGreaterThanOrEqual(1500);
  });

  it('expires merged zips periodically: EXPIRED in the query, 410 on download, the session stays', async () => {
    const dataDir = join(work, 'merge-expiry');
    const config = writeConfig(join(work, 'merge-expiry.json'), {
      retention: { mergeDays: 2 / (24 * 60 * 60), sweepIntervalMinutes: 0.005 },
    });
    const running = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    server = running;
    const { sessionId, mergeId } = await sessionWithMerge(server.url);
    const [completed] = await merges(server.url, sessionId);
    expect(completed.expiresAt).not.toBeNull();
    await waitFor(async () => (await merges(running.url, sessionId))[0]?.status === 'EXPIRED', 15_000);
    const download = await fetch(`${server.url}/api/sessions/${sessionId}/merges/${mergeId}/download`);
    expect(download.status).toBe(410);
    const result = await graphql(server.url, 'query ($id: ID!) { session(id: $id) { id } }', {
      id: sessionId,
    });
    expect(result.data).toEqual({ session: { id: sessionId } });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
