import OpenAI from 'openai';
import {
  ChatRequest,
  defaultReply,
  OpenAiTestServer,
  splitIntoChunks,
  startOpenAiTestServer,
  TEST_MODEL_ID,
} from './openai-test-server';

const MODEL = 'gpt-4o-mini';

function client(server: OpenAiTestServer, options: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({
    apiKey: 'test',
    baseURL: server.url,
    maxRetries: options.maxRetries ?? 0,
    timeout: options.timeout ?? 10_000,
  });
}

function userMessage(title: string): OpenAI.Chat.ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: 'You write course descriptions.' },
    {
      role: 'user',
      content: `Describe this course.\n<<<PACKAGE_DATA\nTitle: ${title}\nFilename: x.zip\nPACKAGE_DATA>>>`,
    },
  ];
}

function ask(openai: OpenAI, title: string, signal?: AbortSignal): Promise<string> {
  return openai.chat.completions
    .create({ model: MODEL, messages: userMessage(title), max_tokens: 120, temperature: 0.3 }, { signal })
    .then((completion) => completion.choices[0].message.content ?? '');
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expectedReply(title: string): string {
  return defaultReply({ title } as ChatRequest);
}

describe('OpenAI test server', () => {
  let server: OpenAiTestServer;

  afterEach(async () => {
    await server?.close();
  });

  describe('completions through the real SDK', () => {
    it('answers a plain chat completion with a deterministic reply derived from the title', async () => {
      server = await startOpenAiTestServer();
      const completion = await client(server).chat.completions.create({
        model: MODEL,
        messages: userMessage('Fire Safety'),
      });

      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe(MODEL);
      expect(completion.id).toMatch(/^chatcmpl-/);
      expect(completion.choices[0].message.role).toBe('assistant');
      expect(completion.choices[0].message.content).toBe(expectedReply('Fire Safety'));
      expect(completion.choices[0].message.content).toContain('Fire Safety');
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
      expect(server.stats).toMatchObject({
        requests: 1,
        completed: 1,
        succeeded: 1,
        aborted: 0,
        inFlight: 0,
      });
    });

    it('streams the same text as the non-streamed completion, in several chunks', async () => {
      server = await startOpenAiTestServer();
      const openai = client(server);
      const plain = await ask(openai, 'Excel Basics');

      const stream = await openai.chat.completions.create({
        model: MODEL,
        messages: userMessage('Excel Basics'),
        stream: true,
      });
      const deltas: string[] = [];
      const roles: (string | undefined)[] = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        const choice = chunk.choices[0];
        roles.push(choice.delta.role);
        if (choice.delta.content) {
          deltas.push(choice.delta.content);
        }
        finish = choice.finish_reason ?? finish;
      }

      expect(deltas.join('')).toBe(plain);
      expect(deltas.length).toBeGreaterThan(1);
      expect(roles[0]).toBe('assistant');
      expect(finish).toBe('stop');
      expect(server.requests[1].stream).toBe(true);
      expect(server.stats).toMatchObject({ requests: 2, completed: 2, succeeded: 2, inFlight: 0 });
    });

    it('sends usage in a final chunk when stream_options.include_usage is set', async () => {
      server = await startOpenAiTestServer();
      const stream = await client(server).chat.completions.create({
        model: MODEL,
        messages: userMessage('Usage'),
        stream: true,
        stream_options: { include_usage: true },
      });
      let total = 0;
      for await (const chunk of stream) {
        total = chunk.usage?.total_tokens ?? total;
      }
      expect(total).toBeGreaterThan(0);
    });

    it('records the parsed request bodies and counts requests per title', async () => {
      server = await startOpenAiTestServer();
      const openai = client(server);
      await ask(openai, 'Course A');
      await ask(openai, 'Course B');
      await ask(openai, 'Course A');

      expect(server.requests).toHaveLength(3);
      expect(server.requests[0]).toMatchObject({
        model: MODEL,
        stream: false,
        max_tokens: 120,
        temperature: 0.3,
        title: 'Course A',
      });
      expect(server.requests[0].messages.map((m) => m.role)).toEqual(['system', 'user']);
      expect(server.stats.byTitle).toEqual({ 'Course A': 2, 'Course B': 1 });
    });

    it('uses a custom reply function, also when changed with setOptions', async () => {
      server = await startOpenAiTestServer({ reply: (_req, n) => `First reply ${n}.` });
      const openai = client(server);
      expect(await ask(openai, 'X')).toBe('First reply 1.');
      server.setOptions({ reply: (req) => `Custom for ${req.title}.` });
      expect(await ask(openai, 'Y')).toBe('Custom for Y.');
    });

    it('builds a default reply from the user message when there is no title', () => {
      const reply = defaultReply({
        model: MODEL,
        messages: [{ role: 'user', content: 'Kubernetes networking for operators' }],
        stream: false,
        body: {},
      });
      expect(reply).toBe(
        'This course covers Kubernetes networking for operators. You will practise the key ideas step by step.',
      );
    });

    it('lists one model', async () => {
      server = await startOpenAiTestServer();
      const models = [];
      for await (const model of client(server).models.list()) {
        models.push(model.id);
      }
      expect(models).toEqual([TEST_MODEL_ID]);
      expect(server.stats.requests).toBe(0);
    });
  });

  describe('rate limits and server errors', () => {
    it('answers 429 with Retry-After for the first N requests, then the SDK retry succeeds', async () => {
      server = await startOpenAiTestServer({ rateLimitFirst: 2, retryAfterSeconds: 0.15 });
      const started = Date.now();
      const text = await ask(client(server, { maxRetries: 3 }), 'Retry Me');
      const elapsed = Date.now() - started;

      expect(text).toBe(expectedReply('Retry Me'));
      expect(server.stats).toMatchObject({
        requests: 3,
        rateLimited: 2,
        succeeded: 1,
        completed: 3,
        inFlight: 0,
      });
      expect(server.stats.byTitle['Retry Me']).toBe(3);
      expect(elapsed).toBeGreaterThanOrEqual(2 * 150 - 20); // the SDK honoured Retry-After twice
    });

    it('fails with a RateLimitError when the SDK runs out of retries', async () => {
      server = await startOpenAiTestServer({ rateLimitFirst: 5, retryAfterSeconds: 0.01 });
      const error = await ask(client(server, { maxRetries: 1 }), 'Limited').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).status).toBe(429);
      expect(server.stats.requests).toBe(2);
    });

    it('sends Retry-After, retry-after-ms and an OpenAI-shaped error body with a 429', async () => {
      server = await startOpenAiTestServer({ rateLimitFirst: 1, retryAfterSeconds: 2 });
      const response = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: userMessage('Raw') }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(response.headers.get('retry-after-ms')).toBe('2000');
      const body = await response.json();
      expect(body).toEqual({
        error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' },
      });
    });

    it('can send Retry-After alone, without retry-after-ms', async () => {
      server = await startOpenAiTestServer({
        rateLimitFirst: 1,
        retryAfterSeconds: 1,
        sendRetryAfterMs: false,
      });
      const response = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: MODEL, messages: userMessage('Raw') }),
      });
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('retry-after-ms')).toBeNull();
    });

    it('answers 500 on every Nth request', async () => {
      server = await startOpenAiTestServer({ failEvery: 2 });
      const openai = client(server);
      const outcomes: string[] = [];
      for (let i = 1; i <= 4; i++) {
        outcomes.push(
          await ask(openai, `Course ${i}`).then(
            () => 'ok',
            (e: unknown) => (e instanceof OpenAI.InternalServerError ? `500` : `other: ${String(e)}`),
          ),
        );
      }
      expect(outcomes).toEqual(['ok', '500', 'ok', '500']);
      expect(server.stats).toMatchObject({ requests: 4, serverErrors: 2, succeeded: 2, completed: 4 });
    });

    it('lets the SDK retry a 500 into a success', async () => {
      server = await startOpenAiTestServer({ failEvery: 2 });
      const openai = client(server, { maxRetries: 1 });
      await ask(openai, 'One'); // request 1
      const text = await ask(openai, 'Two'); // request 2 fails, request 3 succeeds
      expect(text).toBe(expectedReply('Two'));
      expect(server.stats).toMatchObject({ requests: 3, serverErrors: 1, succeeded: 2 });
      expect(server.stats.byTitle).toEqual({ One: 1, Two: 2 });
    });

    it('answers 500 errors in the OpenAI error shape', async () => {
      server = await startOpenAiTestServer({ failEvery: 1 });
      const response = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: MODEL, messages: userMessage('Raw') }),
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        error: { message: expect.any(String), type: 'server_error', param: null, code: null },
      });
    });
  });

  describe('hanging requests', () => {
    // Under jest the SDK reports its own timeout as a plain APIConnectionError: jest's sandbox has its
    // own Error class, so the fetch AbortError is not `instanceof Error` and loses its name in the SDK's
    // castToError. In plain Node it is an APIConnectionTimeoutError (a subclass of APIConnectionError).
    it('counts a hanging request aborted by the SDK timeout and returns inFlight to 0', async () => {
      server = await startOpenAiTestServer({ hangRequests: [1] });
      const started = Date.now();
      const error = await ask(client(server, { timeout: 200 }), 'Hang').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(error).not.toBeInstanceOf(OpenAI.APIUserAbortError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await waitFor(() => server.stats.aborted === 1);
      expect(server.stats).toMatchObject({
        requests: 1,
        aborted: 1,
        completed: 0,
        inFlight: 0,
        maxInFlight: 1,
      });
    });

    it('counts a hanging request aborted by an AbortSignal', async () => {
      server = await startOpenAiTestServer({ hangRequests: (n) => n === 1 });
      const controller = new AbortController();
      const pending = ask(client(server), 'Abort Me', controller.signal).catch((e: unknown) => e);
      await waitFor(() => server.stats.inFlight === 1);
      controller.abort();

      expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
      await waitFor(() => server.stats.aborted === 1);
      expect(server.stats.inFlight).toBe(0);
    });

    it('lets the SDK retry after a timeout, and the retry is answered', async () => {
      server = await startOpenAiTestServer({ hangRequests: [1] });
      const text = await ask(client(server, { timeout: 200, maxRetries: 1 }), 'Slow');
      expect(text).toBe(expectedReply('Slow'));
      await waitFor(() => server.stats.aborted === 1);
      expect(server.stats).toMatchObject({ requests: 2, aborted: 1, completed: 1, inFlight: 0 });
    });

    it('counts a client abort during latency as aborted, not completed', async () => {
      server = await startOpenAiTestServer({ latencyMs: 2000 });
      const error = await ask(client(server, { timeout: 100 }), 'Late').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
      await waitFor(() => server.stats.inFlight === 0);
      expect(server.stats).toMatchObject({ aborted: 1, completed: 0, succeeded: 0 });
    });

    it('counts a stream the client abandons mid-way as aborted', async () => {
      server = await startOpenAiTestServer({ streamChunkDelayMs: 300 });
      const controller = new AbortController();
      const stream = await client(server).chat.completions.create(
        { model: MODEL, messages: userMessage('Stream Abort'), stream: true },
        { signal: controller.signal },
      );
      const received: string[] = [];
      const consumed = (async () => {
        for await (const chunk of stream) {
          received.push(chunk.choices[0]?.delta.content ?? '');
          controller.abort();
        }
      })().catch((e: unknown) => e);

      await consumed;
      expect(received).toHaveLength(1);
      await waitFor(() => server.stats.aborted === 1);
      expect(server.stats).toMatchObject({ inFlight: 0, completed: 0, succeeded: 0 });
    });

    it('close() resolves while a request hangs and the client sees a connection error', async () => {
      server = await startOpenAiTestServer({ hangRequests: () => true });
      const pending = ask(client(server, { timeout: 30_000 }), 'Forever').catch((e: unknown) => e);
      await waitFor(() => server.stats.inFlight === 1);

      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeLessThan(1000);

      expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
      expect(server.stats).toMatchObject({ inFlight: 0, aborted: 1 });
      await expect(server.close()).resolves.toBeUndefined(); // idempotent
    });

    it('close() also ends a pending latency wait and a slow stream', async () => {
      server = await startOpenAiTestServer({ latencyMs: 10_000 });
      const openai = client(server, { timeout: 30_000 });
      const pending = ask(openai, 'Latency').catch((e: unknown) => e);
      await waitFor(() => server.stats.inFlight === 1);
      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
    });
  });

  describe('concurrency', () => {
    it('measures the most requests in flight at once', async () => {
      server = await startOpenAiTestServer({ latencyMs: 150 });
      const openai = client(server);
      const titles = ['A', 'B', 'C', 'D', 'E'];
      const texts = await Promise.all(titles.map((t) => ask(openai, t)));

      expect(texts).toEqual(titles.map(expectedReply));
      expect(server.stats).toMatchObject({ requests: 5, maxInFlight: 5, inFlight: 0, completed: 5 });
    });

    it('reports maxInFlight 1 for sequential requests', async () => {
      server = await startOpenAiTestServer({ latencyMs: 20 });
      const openai = client(server);
      for (const title of ['A', 'B', 'C']) {
        await ask(openai, title);
      }
      expect(server.stats).toMatchObject({ requests: 3, maxInFlight: 1 });
    });

    it('applies latency before answering', async () => {
      server = await startOpenAiTestServer({ latencyMs: 200 });
      const started = Date.now();
      await ask(client(server), 'Latency');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('applies latency before the first stream chunk', async () => {
      server = await startOpenAiTestServer({ latencyMs: 200 });
      const started = Date.now();
      const stream = await client(server).chat.completions.create({
        model: MODEL,
        messages: userMessage('Stream Latency'),
        stream: true,
      });
      for await (const _chunk of stream) {
        break;
      }
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    });

    it('resetStats() clears counters and restarts request numbering', async () => {
      server = await startOpenAiTestServer({ rateLimitFirst: 1, retryAfterSeconds: 0.01 });
      const openai = client(server, { maxRetries: 2 });
      await ask(openai, 'Before');
      expect(server.stats.requests).toBe(2);

      server.resetStats();
      expect(server.stats).toMatchObject({
        requests: 0,
        completed: 0,
        rateLimited: 0,
        maxInFlight: 0,
        byTitle: {},
      });
      expect(server.requests).toHaveLength(0);

      await ask(openai, 'After'); // request 1 again → 429, then 2 → ok
      expect(server.stats).toMatchObject({ requests: 2, rateLimited: 1, succeeded: 1 });
    });
  });

  describe('HTTP surface', () => {
    beforeEach(async () => {
      server = await startOpenAiTestServer();
    });

    it('answers 400 in the OpenAI error shape for a body that is not JSON', async () => {
      const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{not json' });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
      expect(body.error.message).toMatch(/parse the JSON body/);
      expect(server.stats).toMatchObject({ requests: 0, badRequests: 1 });
    });

    it('answers 400 when model or messages are missing', async () => {
      const noModel = await fetch(`${server.url}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(noModel.status).toBe(400);
      expect((await noModel.json()).error.param).toBe('model');

      const error = await client(server)
        .chat.completions.create({ model: MODEL, messages: [] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    });

    it('answers 404 JSON for other paths', async () => {
      const response = await fetch(`${server.url}/embeddings`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect((await response.json()).error).toMatchObject({
        type: 'invalid_request_error',
        code: 'unknown_url',
      });
    });

    it('exposes stats, reset and options over HTTP for a server in another process', async () => {
      const base = server.url.replace(/\/v1$/, '');
      await ask(client(server), 'Remote');
      const stats = await (await fetch(`${base}/__stats`)).json();
      expect(stats).toMatchObject({ requests: 1, completed: 1, byTitle: { Remote: 1 } });

      await fetch(`${base}/__options`, { method: 'POST', body: JSON.stringify({ failEvery: 1 }) });
      await expect(ask(client(server), 'Fails')).rejects.toBeInstanceOf(OpenAI.InternalServerError);

      await fetch(`${base}/__reset`, { method: 'POST' });
      expect(server.stats.requests).toBe(0);
    });
  });
});

describe('splitIntoChunks', () => {
  it('splits at word boundaries and joins back to the same text', () => {
    const text = 'Learn the essentials of Excel in this course. You will practise.';
    const chunks = splitIntoChunks(text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(text);
  });

  it('splits a single word in two', () => {
    expect(splitIntoChunks('Hello')).toEqual(['Hel', 'lo']);
    expect(splitIntoChunks('')).toEqual(['']);
  });
});
