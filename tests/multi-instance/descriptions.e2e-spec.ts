import { graphqlOk } from '../support/api-client';
import { subscriptionClient, type SubscriptionClient } from '../support/graphql-subscriptions';
import {
  defaultReply,
  extractTitle,
  startOpenAiTestServer,
  type OpenAiTestServer,
} from '../support/openai-test-server';
import {
  CANCEL,
  createSessionWithPackages,
  delay,
  expectedAiDescription,
  PROGRESS_SUBSCRIPTION,
  sessionWithTask,
  startDescriptions,
  UPDATED_SUBSCRIPTION,
  waitForTaskEnd,
  type ProgressEvent,
  type TaskView,
  type UpdateEvent,
} from '../api-e2e/description-test-kit';
import { startCluster, type Cluster } from './cluster-kit';

const titles = (test: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${test} course ${i + 1}`);

describe('descriptions on several instances (PostgreSQL + Redis)', () => {
  let openai: OpenAiTestServer;
  let cluster: Cluster | undefined;
  const clients: SubscriptionClient[] = [];

  beforeAll(async () => {
    openai = await startOpenAiTestServer({ latencyMs: 150 });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await cluster?.stop();
    cluster = undefined;
  });
  afterAll(() => openai?.close());

  it('reaches subscribers on B with every update of a task started on A, within the global concurrency', async () => {
    openai.setOptions({ latencyMs: 150, reply: defaultReply });
    openai.resetStats();
    cluster = await startCluster({ name: 'events', instances: 2, openai, descriptions: { concurrency: 2 } });
    const [a, b] = cluster.instances;
    const courses = titles('Events', 8);
    const { sessionId, packages } = await createSessionWithPackages(a.url, courses);
    const onB = subscriptionClient(b.url);
    clients.push(onB);
    const updates = await onB.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const progress = await onB.subscribe<ProgressEvent>('descriptionProgress', PROGRESS_SUBSCRIPTION, {
      id: sessionId,
    });

    const task = await startDescriptions(a.url, sessionId);
    await progress.waitFor((e) => e.taskId === task.id && e.type === 'COMPLETED', 30_000);
    expect((await waitForTaskEnd(b.url, sessionId)).status).toBe('COMPLETED');

    // Every update, once each, with what was committed.
    expect(updates.events.map((e) => e.packageId).sort()).toEqual(packages.map((p) => p.id).sort());
    const stored = await sessionWithTask(b.url, sessionId);
    for (const pkg of stored.packages) {
      expect(pkg.descriptionSource).toBe('AI');
      expect(pkg.description).toBe(expectedAiDescription(pkg.title));
      expect(updates.events.find((e) => e.packageId === pkg.id)?.description).toBe(pkg.description);
    }
    const types = progress.events.map((e) => e.type);
    expect(types[0]).toBe('STARTED');
    expect(types.filter((t) => t === 'PROGRESS')).toHaveLength(courses.length);
    expect(types.at(-1)).toBe('COMPLETED');
    const completed = progress.events.map((e) => e.completed);
    expect(completed).toEqual([...completed].sort((x, y) => x - y));
    // descriptions.concurrency bounds requests in flight across both instances together.
    expect(openai.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(openai.stats.requests).toBe(courses.length);
  }, 120_000);

  it('cancels on B the work running on A: no request starts once the cancel answered', async () => {
    openai.setOptions({ latencyMs: 1000, reply: defaultReply });
    openai.resetStats();
    cluster = await startCluster({ name: 'cancel', instances: 1, openai, descriptions: { concurrency: 2 } });
    const [a] = cluster.instances;
    const { sessionId } = await createSessionWithPackages(a.url, titles('Cancel', 20));
    await startDescriptions(a.url, sessionId);
    // B starts while A works: A's requests are in flight when B answers the cancel.
    const b = await cluster.startInstance();
    // The cancel goes out once some descriptions are in, while requests are in flight (between two of them
    // it would have none to abort).
    const deadline = Date.now() + 20_000;
    while ((openai.stats.completed < 2 || openai.stats.inFlight === 0) && Date.now() < deadline)
      await delay(10);
    const cancelStarted = Date.now();
    const { cancelDescriptions } = await graphqlOk<{ cancelDescriptions: TaskView }>(b.url, CANCEL, {
      id: sessionId,
    });
    const cancelAnswered = Date.now();
    const requestsAtCancel = openai.stats.requests;

    expect(cancelDescriptions.status).toBe('CANCELLED');

    await delay(1000);
    const afterOneSecond = await sessionWithTask(a.url, sessionId);
    expect(openai.stats.aborted).toBeGreaterThan(0); // requests in flight were aborted
    expect(a.logs.some((line) => line.includes('"why":"cancelled"'))).toBe(true);
    await delay(2000);
    const later = await sessionWithTask(a.url, sessionId);
    expect(openai.stats.requests).toBe(requestsAtCancel);
    expect(later.descriptionTask?.status).toBe('CANCELLED');
    const described = (view: typeof later): string[] =>
      view.packages.filter((p) => p.descriptionSource === 'AI').map((p) => p.id);
    expect(described(later)).toEqual(described(afterOneSecond));
    console.log(
      `cancel via B: answered in ${cancelAnswered - cancelStarted} ms; ${described(later).length} of 20 kept; requests ${requestsAtCancel}, none after`,
    );
  }, 120_000);

  it('finishes on B a task whose instance A was killed (kill -9) mid-request, redoing nothing committed', async () => {
    const stalledAfterMs = 6000;
    const answers: Array<{ title: string; at: number }> = [];
    openai.setOptions({
      latencyMs: 600,
      reply: (request) => {
        answers.push({ title: extractTitle(request.messages) ?? '', at: Date.now() });
        return defaultReply(request);
      },
    });
    openai.resetStats();
    cluster = await startCluster({
      name: 'failover',
      instances: 1,
      openai,
      descriptions: { concurrency: 2 },
      stalledAfterMs,
    });
    const [a] = cluster.instances;
    const courses = titles('Failover', 12);
    const { sessionId } = await createSessionWithPackages(a.url, courses);
    await startDescriptions(a.url, sessionId);
    // A is killed once it has committed some and is asking for more.
    const deadline = Date.now() + 30_000;
    while (!(openai.stats.completed >= 2 && openai.stats.inFlight > 0) && Date.now() < deadline)
      await delay(20);
    const abortedBefore = openai.stats.aborted;
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    await delay(300);
    const orphaned = openai.stats.aborted - abortedBefore;
    expect(orphaned).toBeGreaterThan(0);
    const b = await cluster.startInstance();
    const bReadyAt = Date.now();
    const committedBeforeKill = (await sessionWithTask(b.url, sessionId)).packages.filter(
      (p) => p.descriptionSource === 'AI',
    );

    const task = await waitForTaskEnd(b.url, sessionId, stalledAfterMs + 30_000);
    const finishedAfterMs = Date.now() - killedAt;
    expect(task.status).toBe('COMPLETED');
    expect(task.completed).toBe(courses.length);
    const stored = await sessionWithTask(b.url, sessionId);
    for (const pkg of stored.packages) expect(pkg.description).toBe(expectedAiDescription(pkg.title));
    // Committed before the kill: asked once. Cut off by it: asked again by B.
    for (const pkg of committedBeforeKill) expect(openai.stats.byTitle[pkg.title]).toBe(1);
    const askedAgain = Object.values(openai.stats.byTitle).filter((n) => n > 1).length;
    expect(askedAgain).toBe(orphaned);
    // When B asked again for what A was asking: the stalled-job recovery time, from the kill.
    const pickedUpAfterMs = Math.max(
      ...answers
        .filter((answer) => answer.at > killedAt && (openai.stats.byTitle[answer.title] ?? 0) > 1)
        .map((answer) => answer.at - 600 - killedAt),
    );
    console.log(
      `failover: A killed with ${committedBeforeKill.length} of ${courses.length} committed and ${orphaned} in flight; B (ready ${bReadyAt - killedAt} ms after the kill) asked again for those ${pickedUpAfterMs} ms after the kill and completed the task ${finishedAfterMs} ms after it (jobs.stalledAfterMs ${stalledAfterMs})`,
    );
    // B was not running at the kill: from its start, the dead job moves to it within jobs.stalledAfterMs.
    expect(pickedUpAfterMs).toBeLessThanOrEqual(bReadyAt - killedAt + stalledAfterMs);
    expect(finishedAfterMs).toBeLessThan(bReadyAt - killedAt + stalledAfterMs + courses.length * 600);
  }, 120_000);
});
