import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, graphqlOk } from '../support/api-client';
import { type ApiServer } from '../support/api-server';
import { subscriptionClient, type SubscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import {
  CANCEL,
  createSessionWithPackages,
  expectedAiDescription,
  PROGRESS_SUBSCRIPTION,
  sessionWithTask,
  START,
  startDescriptions,
  startDescriptionServer,
  STREAMING_SUBSCRIPTION,
  TASK,
  UPDATED_SUBSCRIPTION,
  waitForTaskEnd,
  type DeltaEvent,
  type ProgressEvent,
  type TaskView,
  type UpdateEvent,
} from './description-test-kit';

const CONCURRENCY = 2;

describe('AI descriptions through the real server process', () => {
  let work: string;
  let openai: OpenAiTestServer;
  let server: ApiServer;
  let ws: SubscriptionClient;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-e2e-descriptions-'));
    openai = await startOpenAiTestServer({ latencyMs: 60, streamChunkDelayMs: 10 });
    server = await startDescriptionServer(join(work, 'data'), openai, { concurrency: CONCURRENCY });
    ws = subscriptionClient(server.url);
  });

  afterAll(async () => {
    await ws?.close();
    await server?.stop();
    await openai?.close();
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(() => openai.resetStats());

  it('tells clients that AI descriptions are available, and with which model', async () => {
    const settings = await graphqlOk<{ descriptionSettings: { aiEnabled: boolean; model: string | null } }>(
      server.url,
      '{ descriptionSettings { aiEnabled model } }',
    );
    expect(settings.descriptionSettings).toEqual({ aiEnabled: true, model: expect.any(String) });
  });

  it('streams progress, partial text and each saved description over graphql-ws, then answers the same from the database', async () => {
    const titles = ['Ws Alpha Safety', 'Ws Beta Hygiene', 'Ws Gamma Ladders'];
    const { sessionId, packages } = await createSessionWithPackages(server.url, titles);
    const progress = await ws.subscribe<ProgressEvent>('descriptionProgress', PROGRESS_SUBSCRIPTION, {
      id: sessionId,
    });
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const streaming = await ws.subscribe<DeltaEvent>('descriptionStreaming', STREAMING_SUBSCRIPTION, {
      id: sessionId,
    });
    // Another session's subscriber must see nothing of this one.
    const other = await createSessionWithPackages(server.url, []);
    const otherUpdates = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: other.sessionId,
    });

    // Two starts racing make one task.
    const [first, second] = await Promise.all([
      startDescriptions(server.url, sessionId),
      startDescriptions(server.url, sessionId),
    ]);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ total: 3, status: 'RUNNING', regenerate: false });

    await progress.waitFor((e) => e.type === 'COMPLETED');
    const updates = await updated.waitForCount(3);
    expect(updates).toHaveLength(3);
    for (const update of updates) {
      const title = packages.find((p) => p.id === update.packageId)?.title as string;
      expect(update).toEqual({
        taskId: first.id,
        packageId: expect.any(String),
        description: expectedAiDescription(title),
        source: 'AI',
        progress: expect.any(Number),
        fallback: false,
      });
    }
    expect(new Set(updates.map((u) => u.packageId))).toEqual(new Set(packages.map((p) => p.id)));
    expect(updates.map((u) => u.progress)).toEqual([33, 66, 100]);

    // Progress: STARTED first, COMPLETED last, never going back.
    const events = progress.events;
    expect(events[0]).toMatchObject({
      type: 'STARTED',
      status: 'RUNNING',
      progress: 0,
      total: 3,
      completed: 0,
    });
    expect(events[events.length - 1]).toMatchObject({
      type: 'COMPLETED',
      status: 'COMPLETED',
      progress: 100,
      completed: 3,
    });
    expect(events.filter((e) => e.type === 'PROGRESS').map((e) => e.current)).toEqual([1, 2, 3]);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].progress).toBeGreaterThanOrEqual(events[i - 1].progress);
      expect(events[i].completed).toBeGreaterThanOrEqual(events[i - 1].completed);
    }

    // Partial text grew chunk by chunk for every package, ending in the full raw answer.
    for (const pkg of packages) {
      const deltas = streaming.events.filter((d) => d.packageId === pkg.id);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas[0].text.length).toBeLessThan(deltas[deltas.length - 1].text.length);
      expect(deltas[deltas.length - 1].text.trim()).toBe(expectedAiDescription(pkg.title));
    }
    expect(otherUpdates.events).toEqual([]);

    // The database says the same: the task, Session.descriptionTask, every description.
    const task = (await graphqlOk<{ descriptionTask: TaskView }>(server.url, TASK, { id: sessionId }))
      .descriptionTask;
    expect(task).toMatchObject({
      id: first.id,
      status: 'COMPLETED',
      total: 3,
      completed: 3,
      failed: 0,
      progress: 100,
    });
    expect(task.finishedAt).not.toBeNull();
    expect(task.message).toMatch(/3 by AI/);
    const view = await sessionWithTask(server.url, sessionId);
    expect(view.descriptionTask).toEqual(task);
    for (const pkg of view.packages) {
      expect(pkg).toMatchObject({ descriptionSource: 'AI', description: expectedAiDescription(pkg.title) });
    }
    expect(openai.stats.requests).toBe(3);
    expect(openai.requests.every((r) => r.stream && r.model === 'gpt-test' && r.max_tokens === 150)).toBe(
      true,
    );
    [progress, updated, streaming, otherUpdates].forEach((s) => s.stop());
  });

  it('reuses the description of identical bytes from the cache, in another session, with no API call', async () => {
    const zip = buildScorm12Package({ title: 'Cache Course Omega' });
    const a = await createSessionWithPackages(server.url, [], [{ name: 'omega.zip', data: zip }]);
    await startDescriptions(server.url, a.sessionId);
    await waitForTaskEnd(server.url, a.sessionId);
    expect(openai.stats.requests).toBe(1);

    const b = await createSessionWithPackages(server.url, [], [{ name: 'omega-copy.zip', data: zip }]);
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: b.sessionId,
    });
    await startDescriptions(server.url, b.sessionId);
    const [update] = await updated.waitForCount(1);
    expect(update).toMatchObject({
      source: 'CACHE',
      fallback: false,
      description: expectedAiDescription('Cache Course Omega'),
    });
    expect(await waitForTaskEnd(server.url, b.sessionId)).toMatchObject({
      status: 'COMPLETED',
      completed: 1,
    });
    expect((await sessionWithTask(server.url, b.sessionId)).packages[0].descriptionSource).toBe('CACHE');
    expect(openai.stats.requests).toBe(1);

    // regenerate bypasses the cache and asks the model again.
    await startDescriptions(server.url, b.sessionId, { regenerate: true });
    await waitForTaskEnd(server.url, b.sessionId);
    expect(openai.stats.requests).toBe(2);
    updated.stop();
  });

  it('never has more requests in flight than descriptions.concurrency, even with two sessions at once', async () => {
    const one = await createSessionWithPackages(server.url, [
      'Bound A1',
      'Bound A2',
      'Bound A3',
      'Bound A4',
      'Bound A5',
    ]);
    const two = await createSessionWithPackages(server.url, [
      'Bound B1',
      'Bound B2',
      'Bound B3',
      'Bound B4',
      'Bound B5',
    ]);
    openai.setOptions({ latencyMs: 150 });
    try {
      await Promise.all([
        startDescriptions(server.url, one.sessionId),
        startDescriptions(server.url, two.sessionId),
      ]);
      await Promise.all([
        waitForTaskEnd(server.url, one.sessionId),
        waitForTaskEnd(server.url, two.sessionId),
      ]);
    } finally {
      openai.setOptions({ latencyMs: 60 });
    }
    expect(openai.stats.requests).toBe(10);
    expect(openai.stats.maxInFlight).toBe(CONCURRENCY);
  });

  it('keeps hand-written descriptions: published on descriptionUpdated, skipped unless regenerate', async () => {
    const { sessionId, packages } = await createSessionWithPackages(server.url, ['Manual One', 'Manual Two']);
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const written = await graphqlOk<{
      updateDescription: { id: string; description: string; descriptionSource: string };
    }>(
      server.url,
      `mutation ($s: ID!, $p: ID!, $d: String!) { updateDescription(sessionId: $s, packageId: $p, description: $d) { id description descriptionSource } }`,
      { s: sessionId, p: packages[0].id, d: '  My own <b>words</b>\n about   it.  ' },
    );
    expect(written.updateDescription).toEqual({
      id: packages[0].id,
      description: 'My own <b>words</b> about it.',
      descriptionSource: 'MANUAL',
    });
    const [manual] = await updated.waitForCount(1);
    expect(manual).toEqual({
      taskId: '',
      packageId: packages[0].id,
      description: 'My own <b>words</b> about it.',
      source: 'MANUAL',
      progress: 100,
      fallback: false,
    });

    const task = await startDescriptions(server.url, sessionId);
    expect(task.total).toBe(1);
    await waitForTaskEnd(server.url, sessionId);
    let view = await sessionWithTask(server.url, sessionId);
    expect(view.packages.map((p) => p.descriptionSource)).toEqual(['MANUAL', 'AI']);
    expect(openai.stats.byTitle).toEqual({ 'Manual Two': 1 });

    const again = await startDescriptions(server.url, sessionId, {
      regenerate: true,
      packageIds: [packages[0].id],
    });
    expect(again).toMatchObject({ total: 1, regenerate: true });
    await waitForTaskEnd(server.url, sessionId);
    view = await sessionWithTask(server.url, sessionId);
    expect(view.packages[0]).toMatchObject({
      descriptionSource: 'AI',
      description: expectedAiDescription('Manual One'),
    });
    updated.stop();
  });

  it('answers unknown sessions and packages, and sessions with no valid package, with clear GraphQL errors', async () => {
    const unknownSession = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const [query, variables] of [
      [START, { id: unknownSession }],
      [CANCEL, { id: unknownSession }],
      [TASK, { id: unknownSession }],
      [
        `mutation ($s: ID!, $p: ID!) { updateDescription(sessionId: $s, packageId: $p, description: "x") { id } }`,
        { s: unknownSession, p: 'nope' },
      ],
    ] as const) {
      const result = await graphql(server.url, query, variables);
      expect(result.errors?.[0]?.message).toBe(`Session ${unknownSession} not found`);
    }
    await expect(
      ws.subscribe('descriptionProgress', PROGRESS_SUBSCRIPTION, { id: unknownSession }),
    ).rejects.toThrow(`Session ${unknownSession} not found`);

    const { sessionId, packages } = await createSessionWithPackages(
      server.url,
      ['Errors Valid'],
      [{ name: 'broken.zip', data: Buffer.from('not a zip at all') }],
    );
    const unknownPackage = await graphql(server.url, START, {
      id: sessionId,
      ids: [packages[0].id, 'no-such-package'],
    });
    expect(unknownPackage.errors?.[0]?.message).toBe(`Not packages of session ${sessionId}: no-such-package`);
    const invalidPackage = await graphql(server.url, START, { id: sessionId, ids: [packages[1].id] });
    expect(invalidPackage.errors?.[0]?.message).toMatch(
      /^Invalid packages cannot be described: broken\.zip \(.+\)$/,
    );
    const noTaskYet = await graphql(server.url, CANCEL, { id: sessionId });
    expect(noTaskYet.errors?.[0]?.message).toBe(`Session ${sessionId} has no description task to cancel`);
    const emptyText = await graphql(
      server.url,
      `
        mutation ($s: ID!, $p: ID!) {
          updateDescription(sessionId: $s, packageId: $p, description: "  \\n ") {
            id
          }
        }
      `,
      { s: sessionId, p: packages[0].id },
    );
    expect(emptyText.errors?.[0]?.message).toBe('The description must not be empty');
    const tooLong = await graphql(
      server.url,
      `
        mutation ($s: ID!, $p: ID!, $d: String!) {
          updateDescription(sessionId: $s, packageId: $p, description: $d) {
            id
          }
        }
      `,
      { s: sessionId, p: packages[0].id, d: 'x'.repeat(1001) },
    );
    expect(tooLong.errors?.[0]?.message).toMatch(/at most 1000/);
    const wrongPackage = await graphql(
      server.url,
      `
        mutation ($s: ID!, $p: ID!) {
          updateDescription(sessionId: $s, packageId: $p, description: "x") {
            id
          }
        }
      `,
      { s: sessionId, p: 'no-such-package' },
    );
    expect(wrongPackage.errors?.[0]?.message).toBe(
      `Package no-such-package not found in session ${sessionId}`,
    );

    const onlyBroken = await createSessionWithPackages(
      server.url,
      [],
      [{ name: 'junk.zip', data: Buffer.from('junk') }],
    );
    const none = await graphql(server.url, START, { id: onlyBroken.sessionId });
    expect(none.errors?.[0]?.message).toBe(
      `Session ${onlyBroken.sessionId} has no valid package to describe`,
    );
    const empty = await createSessionWithPackages(server.url, []);
    expect((await graphql(server.url, START, { id: empty.sessionId })).errors?.[0]?.message).toBe(
      `Session ${empty.sessionId} has no valid package to describe`,
    );
    expect(
      (await graphqlOk<{ descriptionTask: null }>(server.url, TASK, { id: empty.sessionId })).descriptionTask,
    ).toBeNull();
    expect(openai.stats.requests).toBe(0);
  });
});
