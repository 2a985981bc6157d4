import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlOk } from '../support/api-client';
import { type ApiServer } from '../support/api-server';
import { subscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import {
  CANCEL,
  createSessionWithPackages,
  delay,
  expectedAiDescription,
  PROGRESS_SUBSCRIPTION,
  sessionWithTask,
  startDescriptions,
  startDescriptionServer,
  STREAMING_SUBSCRIPTION,
  UPDATED_SUBSCRIPTION,
  waitForTaskEnd,
  type DeltaEvent,
  type ProgressEvent,
  type TaskView,
  type UpdateEvent,
} from './description-test-kit';

const CONCURRENCY = 2;

describe('description tasks across restarts and cancels', () => {
  let work: string;
  let openai: OpenAiTestServer;
  let server: ApiServer | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-e2e-descriptions-restart-'));
    openai = await startOpenAiTestServer({ latencyMs: 250 });
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  afterAll(async () => {
    await openai?.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    openai.setOptions({ latencyMs: 250 });
    openai.resetStats();
  });

  it('resumes after SIGKILL by itself, never asking again for descriptions finished before the kill', async () => {
    const dataDir = join(work, 'kill');
    server = await startDescriptionServer(dataDir, openai, { concurrency: CONCURRENCY });
    const titles = Array.from({ length: 8 }, (_, i) => `Killed Course ${i + 1}`);
    const { sessionId, packages } = await createSessionWithPackages(server.url, titles);
    const ws = subscriptionClient(server.url);
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const task = await startDescriptions(server.url, sessionId);
    await updated.waitForCount(3);
    await server.stop('SIGKILL');
    await ws.close().catch(() => undefined);
    const finishedBeforeKill = new Set(updated.events.map((u) => u.packageId));
    const requestsBeforeKill = openai.stats.requests;
    expect(finishedBeforeKill.size).toBeGreaterThanOrEqual(3);
    expect(finishedBeforeKill.size).toBeLessThan(titles.length);

    server = await startDescriptionServer(dataDir, openai, { concurrency: CONCURRENCY });
    const resumed = await waitForTaskEnd(server.url, sessionId);
    expect(resumed).toMatchObject({
      id: task.id,
      status: 'COMPLETED',
      total: 8,
      completed: 8,
      failed: 0,
      progress: 100,
    });

    // Finished packages were asked for exactly once; the rest at most twice (in flight at the kill).
    for (const pkg of packages) {
      const count = openai.stats.byTitle[pkg.title];
      if (finishedBeforeKill.has(pkg.id))
        expect({ title: pkg.title, count }).toEqual({ title: pkg.title, count: 1 });
      else expect(count).toBeGreaterThanOrEqual(1);
    }
    expect(openai.stats.requests).toBeLessThanOrEqual(titles.length + CONCURRENCY);
    // At most the packages not seen finished are asked for again (one committed just before the kill may not
    // have reached the subscriber, and is rightly not asked for again either).
    expect(openai.stats.requests - requestsBeforeKill).toBeLessThanOrEqual(
      titles.length - finishedBeforeKill.size,
    );
    expect(openai.stats.requests - requestsBeforeKill).toBeGreaterThanOrEqual(1);

    const view = await sessionWithTask(server.url, sessionId);
    for (const pkg of view.packages) {
      expect(pkg).toMatchObject({ descriptionSource: 'AI', description: expectedAiDescription(pkg.title) });
    }
    // Status and results answer the same after another restart.
    await server.stop('SIGKILL');
    server = await startDescriptionServer(dataDir, openai, { concurrency: CONCURRENCY });
    expect(await sessionWithTask(server.url, sessionId)).toEqual(view);
  });

  it('cancels within a second, aborting requests in flight; nothing arrives after, nothing resumes after a restart', async () => {
    const dataDir = join(work, 'cancel');
    server = await startDescriptionServer(dataDir, openai, { concurrency: CONCURRENCY });
    // Slower answers and more packages leave the cancel a wide margin before the task could finish by itself.
    openai.setOptions({ latencyMs: 400 });
    const titles = Array.from({ length: 12 }, (_, i) => `Cancelled Course ${i + 1}`);
    const { sessionId } = await createSessionWithPackages(server.url, titles);
    const ws = subscriptionClient(server.url);
    const progress = await ws.subscribe<ProgressEvent>('descriptionProgress', PROGRESS_SUBSCRIPTION, {
      id: sessionId,
    });
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const streaming = await ws.subscribe<DeltaEvent>('descriptionStreaming', STREAMING_SUBSCRIPTION, {
      id: sessionId,
    });
    await startDescriptions(server.url, sessionId);
    await updated.waitForCount(2);
    await delay(100); // the next requests are in flight now

    const cancelStarted = Date.now();
    const cancelled = (
      await graphqlOk<{ cancelDescriptions: TaskView }>(server.url, CANCEL, { id: sessionId })
    ).cancelDescriptions;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.finishedAt).not.toBeNull();
    const cancelledEvent = await progress.waitFor((e) => e.type === 'CANCELLED', 1000);
    // Requests in flight were aborted: the test server saw their connections close.
    while (openai.stats.inFlight > 0 && Date.now() - cancelStarted < 1000) await delay(20);
    expect(Date.now() - cancelStarted).toBeLessThan(1000);
    expect(openai.stats.inFlight).toBe(0);
    expect(openai.stats.aborted).toBeGreaterThanOrEqual(1);

    const counts = {
      progress: progress.events.length,
      updated: updated.events.length,
      streaming: streaming.events.length,
    };
    const requests = openai.stats.requests;
    await delay(1000);
    expect(progress.events[progress.events.length - 1]).toBe(cancelledEvent);
    expect({
      progress: progress.events.length,
      updated: updated.events.length,
      streaming: streaming.events.length,
    }).toEqual(counts);
    expect(openai.stats.requests).toBe(requests);

    // What was finished is kept, and is exactly what was published.
    expect(cancelledEvent).toMatchObject({ status: 'CANCELLED', completed: updated.events.length });
    expect(cancelled.completed).toBe(updated.events.length);
    const view = await sessionWithTask(server.url, sessionId);
    const described = new Set(view.packages.filter((p) => p.descriptionSource === 'AI').map((p) => p.id));
    expect(described).toEqual(new Set(updated.events.map((u) => u.packageId)));
    await ws.close();

    // Cancelling again changes nothing.
    expect(
      (await graphqlOk<{ cancelDescriptions: TaskView }>(server.url, CANCEL, { id: sessionId }))
        .cancelDescriptions,
    ).toEqual(view.descriptionTask);

    await server.stop('SIGKILL');
    server = await startDescriptionServer(dataDir, openai, { concurrency: CONCURRENCY });
    await delay(1000);
    expect(openai.stats.requests).toBe(requests);
    expect(await sessionWithTask(server.url, sessionId)).toEqual(view);

    // A new start after a cancel is a new task that picks up the rest.
    openai.setOptions({ latencyMs: 250 });
    const next = await startDescriptions(server.url, sessionId);
    expect(next.id).not.toBe(cancelled.id);
    expect(await waitForTaskEnd(server.url, sessionId)).toMatchObject({
      status: 'COMPLETED',
      total: 12,
      completed: 12,
    });
  });
});
