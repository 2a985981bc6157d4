import { getEventListeners } from 'node:events';
import { OpenAiDescriptionProvider } from '@scorm-merge/descriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';

const TIMEOUT_MS = 400;

function describable(title: string) {
  return {
    id: 'pkg-1',
    title,
    filename: 'course.zip',
    scormVersion: '1.2',
    scoCount: 1,
    lomDescription: null,
    contentSample: 'Lesson text.',
    outline: ['Lesson 1'],
    contentHash: null,
  };
}

/** The provider's own abort and deadline handling, and that it leaves no listener on the caller's signal. */
describe('OpenAiDescriptionProvider abort and deadline', () => {
  let server: OpenAiTestServer;
  let provider: OpenAiDescriptionProvider;

  beforeAll(async () => {
    server = await startOpenAiTestServer();
    provider = new OpenAiDescriptionProvider({
      apiKey: 'test-key',
      baseURL: server.url,
      model: 'gpt-test',
      maxTokens: 150,
      temperature: 0.7,
      timeout: TIMEOUT_MS,
      enabled: true,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => server.setOptions({ latencyMs: 0, streamChunkDelayMs: 0, hangRequests: [] }));

  it('answers, and leaves no listener on the caller’s signal', async () => {
    const task = new AbortController();
    const text = await provider.describe(describable('Signals Course'), { signal: task.signal });
    expect(text).toContain('Signals Course');
    expect(getEventListeners(task.signal, 'abort')).toHaveLength(0);
  });

  it('rejects at once with the caller’s reason when the caller aborts mid-stream', async () => {
    server.setOptions({ streamChunkDelayMs: 5_000 });
    const task = new AbortController();
    const reason = new Error('cancelled by the user');
    const started = performance.now();
    const pending = provider.describe(describable('Cancelled Course'), {
      signal: task.signal,
      onText: () => task.abort(reason),
    });
    await expect(pending).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(getEventListeners(task.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the caller’s reason when the signal is already aborted', async () => {
    server.resetStats();
    const task = new AbortController();
    const reason = new Error('already stopped');
    task.abort(reason);
    await expect(provider.describe(describable('Stopped Course'), { signal: task.signal })).rejects.toBe(
      reason,
    );
    expect(server.stats.requests).toBe(0);
  });

  it('times out a stream that stalls after its first chunk, as a retryable error', async () => {
    server.setOptions({ streamChunkDelayMs: 5_000 });
    const task = new AbortController();
    const started = performance.now();
    let streamed = '';
    const error = await provider
      .describe(describable('Stalled Course'), { signal: task.signal, onText: (text) => (streamed = text) })
      .catch((thrown: unknown) => thrown);
    const elapsed = performance.now() - started;
    expect(streamed).not.toBe('');
    expect(error).toMatchObject({
      name: 'DescriptionProviderError',
      retryable: true,
      message: `no complete answer within ${TIMEOUT_MS} ms`,
    });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(getEventListeners(task.signal, 'abort')).toHaveLength(0);
  });

  it('times out a request that gets no answer at all, as a retryable error', async () => {
    server.resetStats();
    server.setOptions({ hangRequests: [1] });
    const task = new AbortController();
    await expect(
      provider.describe(describable('Hanging Course'), { signal: task.signal }),
    ).rejects.toMatchObject({ name: 'DescriptionProviderError', retryable: true });
    expect(getEventListeners(task.signal, 'abort')).toHaveLength(0);
  });
});
