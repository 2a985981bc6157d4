import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSessionWithPackages,
  delay,
  expectedAiDescription,
  startDescriptions,
  UPDATED_SUBSCRIPTION,
  waitForTaskEnd,
  type UpdateEvent,
} from '../api-e2e/description-test-kit';
import { withMedia } from '../bench/bench-packages';
import { graphql, graphqlOk, uploadPackages } from '../support/api-client';
import type { ApiServer } from '../support/api-server';
import { subscriptionClient, type SubscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import { startCluster, type Cluster } from './cluster-kit';
import { privateRedis, type PrivateRedis } from './redis-kit';

interface MergeView {
  id: string;
  status: string;
  progress: number;
  downloadUrl: string | null;
  sizeBytes: number | null;
  error: string | null;
}
interface MergeProgressEvent {
  mergeId: string;
  status: string;
  progress: number;
  step: string;
}

const START_MERGE = 'mutation ($id: ID!) { startMerge(sessionId: $id) { id status } }';
const MERGES =
  'query ($id: ID!) { session(id: $id) { merges { id status progress downloadUrl sizeBytes error } } }';
const MERGE_PROGRESS =
  'subscription ($id: ID!) { mergeProgress(sessionId: $id) { mergeId status progress step } }';

async function waitForMerge(server: ApiServer, sessionId: string, mergeId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { session } = await graphqlOk<{ session: { merges: MergeView[] } }>(server.url, MERGES, {
      id: sessionId,
    });
    const merge = session.merges.find((m) => m.id === mergeId);
    if (merge && !['QUEUED', 'RUNNING'].includes(merge.status)) return merge;
    if (Date.now() > deadline) throw new Error(`merge did not end: ${JSON.stringify(merge)}`);
    await delay(200);
  }
}

/** A session with a few packages large enough that merging them takes a while. */
async function sessionWithLargePackages(server: ApiServer, count: number, mediaBytes: number) {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.url,
    'mutation { createSession { id } }',
  );
  for (let i = 0; i < count; i++) {
    const data = await withMedia(buildScorm12Package({ title: `Large course ${i + 1}` }), mediaBytes);
    const { status } = await uploadPackages(server.url, createSession.id, [
      { name: `large-${i + 1}.zip`, data },
    ]);
    expect(status).toBe(201);
  }
  return createSession.id;
}

describe('merges and a Redis outage on several instances', () => {
  let openai: OpenAiTestServer;
  let cluster: Cluster | undefined;
  let redis: PrivateRedis | undefined;
  const clients: SubscriptionClient[] = [];

  beforeAll(async () => {
    openai = await startOpenAiTestServer({ latencyMs: 100 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await cluster?.stop();
    cluster = undefined;
    await redis?.stop();
    redis = undefined;
  });
  afterAll(() => openai?.close());

  it('downloads from A a merge started on B, with its progress heard on A', async () => {
    cluster = await startCluster({ name: 'merge', instances: 2, openai: null });
    const [a, b] = cluster.instances;
    const { sessionId } = await createSessionWithPackages(a.url, ['Merge one', 'Merge two', 'Merge three']);
    const onA = subscriptionClient(a.url);
    clients.push(onA);
    const progress = await onA.subscribe<MergeProgressEvent>('mergeProgress', MERGE_PROGRESS, {
      id: sessionId,
    });

    const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(b.url, START_MERGE, { id: sessionId });
    await progress.waitFor((e) => e.mergeId === startMerge.id && e.status === 'COMPLETED', 30_000);
    const merge = await waitForMerge(a, sessionId, startMerge.id, 10_000);
    expect(merge.status).toBe('COMPLETED');
    const response = await fetch(`${a.url}${merge.downloadUrl}`);
    expect(response.status).toBe(200);
    const zip = Buffer.from(await response.arrayBuffer());
    expect(zip.length).toBe(merge.sizeBytes);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
  }, 120_000);

  it('starts a merge over on B when the instance running it is killed (kill -9); the old partial file goes', async () => {
    const stalledAfterMs = 6000;
    cluster = await startCluster({ name: 'merge-failover', instances: 2, openai: null, stalledAfterMs });
    const [a] = cluster.instances;
    const sessionId = await sessionWithLargePackages(a, 4, 60 * 1024 * 1024);
    const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(a.url, START_MERGE, { id: sessionId });
    const running = (server: ApiServer): boolean =>
      server.logs.some((line) => line.includes('"merge running"') && line.includes(startMerge.id));
    const deadline = Date.now() + 30_000;
    while (!cluster.instances.some(running) && Date.now() < deadline) await delay(20);
    const victim = cluster.instances.find(running);
    if (!victim) throw new Error('no instance took the merge');
    const survivor = cluster.instances.find((server) => server !== victim) as ApiServer;
    const partial = join(cluster.dataDir, 'merges', sessionId, `${startMerge.id}.zip.part`);
    // Killed once part of the zip is written: 240 MB take a few hundred ms to copy on a quiet machine.
    const written = (): number => (existsSync(partial) ? statSync(partial).size : 0);
    while (written() === 0 && Date.now() < deadline) await delay(5);
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const { session } = await graphqlOk<{ session: { merges: MergeView[] } }>(survivor.url, MERGES, {
      id: sessionId,
    });
    // The test proves nothing if the merge had finished before the kill.
    expect(session.merges.find((m) => m.id === startMerge.id)?.status).toBe('RUNNING');

    const merge = await waitForMerge(survivor, sessionId, startMerge.id, stalledAfterMs + 60_000);
    const finishedAfterMs = Date.now() - killedAt;
    expect(merge.status).toBe('COMPLETED');
    expect(survivor.logs.some((l) => l.includes('"merge starts over"') && l.includes(startMerge.id))).toBe(
      true,
    );
    // The merged zip, no partial file (the preview's outline may be saved beside it: <merge>.zip.preview.json).
    expect(
      readdirSync(join(cluster.dataDir, 'merges', sessionId)).filter(
        (name) => !name.endsWith('.preview.json'),
      ),
    ).toEqual([`${startMerge.id}.zip`]);
    const response = await fetch(`${survivor.url}${merge.downloadUrl}`);
    expect(Buffer.from(await response.arrayBuffer()).length).toBe(merge.sizeBytes);
    console.log(
      `merge failover: the instance running it was killed; the other started it over and completed it ${finishedAfterMs} ms later (jobs.stalledAfterMs ${stalledAfterMs})`,
    );
  }, 240_000);

  it('keeps queries and downloads working while Redis is down, refuses new work clearly, and recovers by itself', async () => {
    redis = await privateRedis();
    cluster = await startCluster({
      name: 'redis-outage',
      instances: 2,
      openai,
      redisUrl: redis.url,
      descriptions: { concurrency: 2 },
    });
    const [a, b] = cluster.instances;
    const { sessionId } = await createSessionWithPackages(a.url, ['Outage one', 'Outage two']);
    const { startMerge } = await graphqlOk<{ startMerge: MergeView }>(a.url, START_MERGE, { id: sessionId });
    const merge = await waitForMerge(a, sessionId, startMerge.id, 30_000);
    const onB = subscriptionClient(b.url);
    clients.push(onB);
    const updates = await onB.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });

    await redis.stop();
    const health = await fetch(`${a.url}/health`);
    expect(health.status).toBe(503);
    const report = (await health.json()) as { status: string; database: string; redis: string };
    expect(report).toMatchObject({ status: 'degraded', database: 'ok' });
    expect(report.redis).toMatch(/^unreachable/);
    // Queries and downloads do not need Redis.
    const { session } = await graphqlOk<{ session: { merges: MergeView[] } }>(b.url, MERGES, {
      id: sessionId,
    });
    expect(session.merges[0].status).toBe('COMPLETED');
    expect((await fetch(`${b.url}${merge.downloadUrl}`)).status).toBe(200);
    // Uploads too: rate-limit counters fall back to the instance's memory.
    const upload = await uploadPackages(a.url, sessionId, [
      { name: 'outage-three.zip', data: buildScorm12Package({ title: 'Outage three' }) },
    ]);
    expect(upload.status).toBe(201);
    // Starting work answers a clear error.
    const refused = await graphql(a.url, 'mutation ($id: ID!) { startDescriptions(sessionId: $id) { id } }', {
      id: sessionId,
    });
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringContaining('the job queue is unreachable'),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    const refusedMerge = await graphql(b.url, START_MERGE, { id: sessionId });
    expect(refusedMerge.errors?.[0]?.message).toContain('the job queue is unreachable');

    await redis.start();
    const deadline = Date.now() + 30_000;
    while ((await fetch(`${a.url}/health`)).status !== 200 && Date.now() < deadline) await delay(200);
    expect((await fetch(`${b.url}/health`)).status).toBe(200);
    // Workers and the subscription made before the outage carry on.
    const task = await startDescriptions(a.url, sessionId);
    expect((await waitForTaskEnd(a.url, sessionId, 30_000)).status).toBe('COMPLETED');
    await updates.waitForCount(3, 10_000);
    const received = updates.events.filter((e) => e.taskId === task.id);
    expect(received.map((e) => e.description).sort()).toEqual(
      ['Outage one', 'Outage two', 'Outage three'].map(expectedAiDescription).sort(),
    );
  }, 180_000);
});
