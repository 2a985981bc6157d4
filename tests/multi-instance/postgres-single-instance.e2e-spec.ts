import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CANCEL,
  createSessionWithPackages,
  expectedAiDescription,
  sessionWithTask,
  startDescriptions,
  startDescriptionServer,
  UPDATED_SUBSCRIPTION,
  waitForTaskEnd,
  type TaskView,
  type UpdateEvent,
} from '../api-e2e/description-test-kit';
import { graphqlOk } from '../support/api-client';
import type { ApiServer } from '../support/api-server';
import { subscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import { createTestDatabase, type TestDatabase } from './multi-instance-kit';

interface MergeView {
  id: string;
  status: string;
  downloadUrl: string | null;
  sizeBytes: number | null;
  modules: Array<{ title: string }>;
}

const MERGES = `query ($id: ID!) { session(id: $id) { merges { id status downloadUrl sizeBytes modules { title } } } }`;

async function waitForMerge(server: ApiServer, sessionId: string, mergeId: string): Promise<MergeView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { session } = await graphqlOk<{ session: { merges: MergeView[] } }>(server.url, MERGES, {
      id: sessionId,
    });
    const merge = session.merges.find((m) => m.id === mergeId);
    if (merge && !['QUEUED', 'RUNNING'].includes(merge.status)) return merge;
    if (Date.now() > deadline) throw new Error(`merge did not end: ${JSON.stringify(merge)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('one instance on PostgreSQL, the whole single-process flow', () => {
  let work: string;
  let database: TestDatabase;
  let openai: OpenAiTestServer;
  let server: ApiServer | undefined;
  const start = () =>
    startDescriptionServer(join(work, 'data'), openai, { concurrency: 2 }, { DATABASE_URL: database.url });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-multi-flow-'));
    database = await createTestDatabase();
    openai = await startOpenAiTestServer({ latencyMs: 250 });
  });

  afterAll(async () => {
    await server?.stop();
    await openai?.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('uploads, reorders, describes (resuming after SIGKILL), cancels, merges and downloads', async () => {
    server = await start();
    const titles = Array.from({ length: 6 }, (_, i) => `Postgres Course ${i + 1}`);
    const { sessionId, packages } = await createSessionWithPackages(server.url, titles);
    expect(packages.map((p) => p.error)).toEqual(titles.map(() => null));

    // Reorder: the last package first.
    const last = packages[packages.length - 1];
    await graphqlOk(
      server.url,
      'mutation ($id: ID!, $ids: [ID!]!) { reorderPackages(sessionId: $id, packageIds: $ids) { id } }',
      { id: sessionId, ids: [last.id] },
    );
    const order = [last.title, ...titles.slice(0, -1)];
    expect((await sessionWithTask(server.url, sessionId)).packages.map((p) => p.title)).toEqual(order);

    // Describe; kill the process mid-task; a restart resumes without asking again for finished ones.
    const ws = subscriptionClient(server.url);
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const task = await startDescriptions(server.url, sessionId);
    expect(task).toMatchObject({ status: 'RUNNING', total: 6 });
    const again = await startDescriptions(server.url, sessionId);
    expect(again.id).toBe(task.id);
    await updated.waitForCount(2);
    await server.stop('SIGKILL');
    await ws.close().catch(() => undefined);
    const finishedBeforeKill = new Set(updated.events.map((u) => u.packageId));

    server = await start();
    expect(await waitForTaskEnd(server.url, sessionId)).toMatchObject({
      id: task.id,
      status: 'COMPLETED',
      total: 6,
      completed: 6,
      failed: 0,
    });
    const described = await sessionWithTask(server.url, sessionId);
    for (const pkg of described.packages) {
      expect(pkg).toMatchObject({ descriptionSource: 'AI', description: expectedAiDescription(pkg.title) });
      if (finishedBeforeKill.has(pkg.id)) expect(openai.stats.byTitle[pkg.title]).toBe(1);
    }

    // A hand-written description, then a regeneration cancelled while it runs.
    await graphqlOk(
      server.url,
      'mutation ($s: ID!, $p: ID!) { updateDescription(sessionId: $s, packageId: $p, description: "Written by hand.") { id } }',
      { s: sessionId, p: last.id },
    );
    openai.setOptions({ latencyMs: 1500 });
    const regenerating = await startDescriptions(server.url, sessionId, { regenerate: true });
    const cancelled = (
      await graphqlOk<{ cancelDescriptions: TaskView }>(server.url, CANCEL, { id: sessionId })
    ).cancelDescriptions;
    expect(cancelled).toMatchObject({ id: regenerating.id, status: 'CANCELLED' });
    openai.setOptions({ latencyMs: 250 });
    const afterCancel = await sessionWithTask(server.url, sessionId);
    expect(afterCancel.packages.find((p) => p.id === last.id)).toMatchObject({
      descriptionSource: 'MANUAL',
      description: 'Written by hand.',
    });

    // Merge in the session's order and download the zip.
    const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id, options: { title: "On PostgreSQL" }) { id } }',
      { id: sessionId },
    );
    const merge = await waitForMerge(server, sessionId, startMerge.id);
    expect(merge.status).toBe('COMPLETED');
    expect(merge.modules.map((m) => m.title)).toEqual(order);
    const download = await fetch(`${server.url}${merge.downloadUrl}`);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(merge.sizeBytes);

    // A restart answers the same: everything lives in PostgreSQL.
    await server.stop();
    server = await start();
    expect(await sessionWithTask(server.url, sessionId)).toEqual(afterCancel);
  });
});
