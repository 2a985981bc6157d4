import { graphqlOk } from '../support/api-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiServer } from '../support/api-server';
import { subscriptionClient, type SubscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import {
  createSessionWithPackages,
  expectedAiDescription,
  sessionWithTask,
  startDescriptions,
  startDescriptionServer,
  UPDATED_SUBSCRIPTION,
  waitForTaskEnd,
  type UpdateEvent,
} from './description-test-kit';

const MAX_RETRIES = 2;
const TIMEOUT_MS = 700;

describe('AI descriptions survive a misbehaving API', () => {
  let work: string;
  let openai: OpenAiTestServer;
  let server: ApiServer;
  let ws: SubscriptionClient;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-e2e-descriptions-resilience-'));
    openai = await startOpenAiTestServer({ latencyMs: 20 });
    server = await startDescriptionServer(join(work, 'data'), openai, {
      concurrency: 1,
      maxRetries: MAX_RETRIES,
      backoffBaseMs: 50,
      backoffMaxMs: 200,
      timeout: TIMEOUT_MS,
    });
    ws = subscriptionClient(server.url);
  });

  afterAll(async () => {
    await ws?.close();
    await server?.stop();
    await openai?.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    openai.setOptions({
      rateLimitFirst: 0,
      failEvery: 0,
      hangRequests: [],
      retryAfterSeconds: 1,
      sendRetryAfterMs: true,
    });
    openai.resetStats();
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    openai.setOptions({ rateLimitFirst: 2, retryAfterSeconds: 0.4, sendRetryAfterMs: false });
    const { sessionId } = await createSessionWithPackages(server.url, ['Rate Limited Course']);
    const started = Date.now();
    await startDescriptions(server.url, sessionId);
    const task = await waitForTaskEnd(server.url, sessionId);
    // Two 429s each asking for 0.4 s: the answer cannot come sooner (the backoff alone would be ≤ 0.1 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(task).toMatchObject({ status: 'COMPLETED', completed: 1, failed: 0 });
    expect(openai.stats).toMatchObject({ requests: 3, rateLimited: 2, succeeded: 1 });
    const [pkg] = (await sessionWithTask(server.url, sessionId)).packages;
    expect(pkg).toMatchObject({
      descriptionSource: 'AI',
      description: expectedAiDescription('Rate Limited Course'),
    });
  });

  it('retries 500s and still describes every package by AI', async () => {
    openai.setOptions({ failEvery: 2 });
    const titles = ['Flaky One', 'Flaky Two', 'Flaky Three'];
    const { sessionId } = await createSessionWithPackages(server.url, titles);
    await startDescriptions(server.url, sessionId);
    expect(await waitForTaskEnd(server.url, sessionId)).toMatchObject({ status: 'COMPLETED', completed: 3 });
    expect(openai.stats.serverErrors).toBeGreaterThanOrEqual(2);
    expect(openai.stats.succeeded).toBe(3);
    const view = await sessionWithTask(server.url, sessionId);
    expect(view.packages.map((p) => p.descriptionSource)).toEqual(['AI', 'AI', 'AI']);
  });

  it('aborts a request that hangs after the timeout and retries it', async () => {
    openai.setOptions({ hangRequests: [1] });
    const { sessionId } = await createSessionWithPackages(server.url, ['Hanging Course']);
    const started = Date.now();
    await startDescriptions(server.url, sessionId);
    expect(await waitForTaskEnd(server.url, sessionId)).toMatchObject({ status: 'COMPLETED', completed: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(openai.stats).toMatchObject({ requests: 2, aborted: 1, succeeded: 1, inFlight: 0 });
    expect((await sessionWithTask(server.url, sessionId)).packages[0].descriptionSource).toBe('AI');
  });

  it('falls back to the local description, marked fallback, when every retry fails; the task still completes', async () => {
    openai.setOptions({ failEvery: 1 });
    const { sessionId, packages } = await createSessionWithPackages(server.url, ['Doomed One', 'Doomed Two']);
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    await startDescriptions(server.url, sessionId);
    const updates = await updated.waitForCount(2);
    const task = await waitForTaskEnd(server.url, sessionId);
    expect(task).toMatchObject({ status: 'COMPLETED', completed: 2, failed: 0, progress: 100 });
    expect(task.message).toMatch(/2 locally after the AI failed/);
    expect(openai.stats.requests).toBe(2 * (MAX_RETRIES + 1));
    const view = await sessionWithTask(server.url, sessionId);
    for (const update of updates) {
      const pkg = view.packages.find((p) => p.id === update.packageId);
      expect(update).toMatchObject({ source: 'LOCAL', fallback: true, description: pkg?.description });
      // The local generator's sentence, not the upload-time text by chance: it names the course.
      expect(update.description).toContain(packages.find((p) => p.id === update.packageId)?.title);
    }
    expect(view.packages.map((p) => p.descriptionSource)).toEqual(['LOCAL', 'LOCAL']);
    updated.stop();
  });
});

describe('AI descriptions without an API key', () => {
  let work: string;
  let openai: OpenAiTestServer;
  let server: ApiServer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-e2e-descriptions-nokey-'));
    openai = await startOpenAiTestServer();
    // A base URL but no key: the server must not call it.
    server = await startDescriptionServer(join(work, 'data'), null, {}, { OPENAI_BASE_URL: openai.url });
  });

  afterAll(async () => {
    await server?.stop();
    await openai?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes local descriptions with no network', async () => {
    const ws = subscriptionClient(server.url);
    const { sessionId, packages } = await createSessionWithPackages(server.url, [
      'Offline First',
      'Offline Second',
    ]);
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    await startDescriptions(server.url, sessionId);
    const updates = await updated.waitForCount(2);
    const task = await waitForTaskEnd(server.url, sessionId);
    expect(task).toMatchObject({ status: 'COMPLETED', total: 2, completed: 2 });
    expect(task.message).toMatch(/2 locally/);
    for (const update of updates) {
      expect(update).toMatchObject({ source: 'LOCAL', fallback: false });
      expect(update.description).toContain(packages.find((p) => p.id === update.packageId)?.title);
    }
    expect(openai.stats.requests).toBe(0);
    const settings = await graphqlOk<{ descriptionSettings: { aiEnabled: boolean; model: string | null } }>(
      server.url,
      '{ descriptionSettings { aiEnabled model } }',
    );
    expect(settings.descriptionSettings).toEqual({ aiEnabled: false, model: null });
    await ws.close();
  });
});
