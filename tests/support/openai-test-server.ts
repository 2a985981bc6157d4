/**
 * A local OpenAI-compatible test server: real HTTP on 127.0.0.1, a random port by default.
 *
 * Serves `POST /v1/chat/completions` (plain and `stream: true`) and `GET /v1/models` well enough
 * for the official `openai` SDK, with knobs for latency, 429 rate limits with Retry-After, periodic
 * 500s and requests that never answer. It counts requests, the most in flight at once, completed
 * and aborted requests, and requests per course title.
 *
 * Knobs are applied to each chat request, numbered from 1 in arrival order, in this order:
 *   1. `hangRequests` matches → never answers (until the client aborts or the server closes);
 *   2. n <= `rateLimitFirst` → 429 with `Retry-After` (and `retry-after-ms`);
 *   3. n % `failEvery` === 0 → 500;
 *   4. otherwise → the completion from `reply`.
 * `latencyMs` is waited before every answer (and before the first stream chunk).
 *
 * Control endpoints for a server run in another process (see openai-test-server-cli.ts):
 * `GET /__stats`, `POST /__reset`, `POST /__options` (JSON body with data-only knobs).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  /** The "Title:" found in the last user message, if any. */
  title?: string;
  /** The whole parsed body. */
  body: Record<string, unknown>;
}

export interface OpenAiTestServerOptions {
  /** Delay before answering each request (also before the first stream chunk). */
  latencyMs?: number;
  /** The first N chat requests answer 429 with a Retry-After header. */
  rateLimitFirst?: number;
  /** Value of Retry-After in seconds (may be fractional; also sent as retry-after-ms). Default 1. */
  retryAfterSeconds?: number;
  /** Also send the non-standard `retry-after-ms` header the SDK prefers. Default true. */
  sendRetryAfterMs?: boolean;
  /** Every Nth chat request answers 500. */
  failEvery?: number;
  /** Which request numbers (1-based) never answer, until the client aborts or the server closes. */
  hangRequests?: number[] | ((n: number) => boolean);
  /** The completion text. Default: {@link defaultReply}. */
  reply?: (req: ChatRequest, n: number) => string;
  /** Delay between streamed chunks. Default 0. */
  streamChunkDelayMs?: number;
  /** Port to listen on. Default 0 (random). */
  port?: number;
}

export interface OpenAiTestServerStats {
  /** Chat completion requests received (including 429/500/hanging ones). */
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** Chat requests fully answered, whatever the status. */
  completed: number;
  /** Chat requests whose client went away before the answer was complete. */
  aborted: number;
  /** Answered 429. */
  rateLimited: number;
  /** Answered 500. */
  serverErrors: number;
  /** Answered 200 with a completion. */
  succeeded: number;
  /** Rejected with 400 (bad JSON or body); not counted in `requests`. */
  badRequests: number;
  /** Chat requests per "Title:" of the last user message. */
  byTitle: Record<string, number>;
}

export interface OpenAiTestServer {
  /** Base URL to give the SDK, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  port: number;
  stats: OpenAiTestServerStats;
  /** Parsed chat request bodies received, in arrival order. */
  requests: ChatRequest[];
  setOptions(o: Partial<OpenAiTestServerOptions>): void;
  /** Resets counters and the recorded requests; request numbering starts again at 1. */
  resetStats(): void;
  /** Closes the server, including hanging and keep-alive connections. */
  close(): Promise<void>;
}

export const TEST_MODEL_ID = 'gpt-test';

/**
 * The default completion: a deterministic sentence derived from the "Title:" line of the last user
 * message, so tests can assert on it.
 */
export function defaultReply(req: ChatRequest): string {
  if (req.title) {
    return `Learn the essentials of ${req.title} in this course. You will practise the key ideas step by step.`;
  }
  const last = lastUserMessage(req.messages);
  const words = last.replace(/\s+/g, ' ').trim().split(' ').slice(0, 8).join(' ');
  return words
    ? `This course covers ${words}. You will practise the key ideas step by step.`
    : 'This course covers the basics.';
}

/** The title in a "Title: …" line of the last user message, if any. */
export function extractTitle(messages: ChatMessage[]): string | undefined {
  const match = /^\s*Title:[ \t]*(.+?)[ \t]*$/m.exec(lastUserMessage(messages));
  return match ? match[1] : undefined;
}

function lastUserMessage(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') {
      return messages[i].content;
    }
  }
  return '';
}

/** Splits a text into roughly `parts` stream chunks at word boundaries (at least 2 when possible). */
export function splitIntoChunks(text: string, parts = 4): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  if (words.length <= 1) {
    return text.length > 1
      ? [text.slice(0, Math.ceil(text.length / 2)), text.slice(Math.ceil(text.length / 2))]
      : [text];
  }
  const size = Math.max(1, Math.ceil(words.length / parts));
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += size) {
    chunks.push(words.slice(i, i + size).join(''));
  }
  const leading = /^\s*/.exec(text)?.[0] ?? '';
  chunks[0] = leading + chunks[0];
  return chunks;
}

function emptyStats(): OpenAiTestServerStats {
  return {
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    completed: 0,
    aborted: 0,
    rateLimited: 0,
    serverErrors: 0,
    succeeded: 0,
    badRequests: 0,
    byTitle: {},
  };
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export async function startOpenAiTestServer(
  initial: OpenAiTestServerOptions = {},
): Promise<OpenAiTestServer> {
  let options: OpenAiTestServerOptions = { ...initial };
  const stats = emptyStats();
  const requests: ChatRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  /** Responses not yet closed, so close() can wait until their 'close' handlers have counted them. */
  const openResponses = new Map<ServerResponse, Promise<void>>();
  let idCounter = 0;
  let closing = false;

  let epoch = 0;
  function resetStats(): void {
    // Requests still in flight stay counted in inFlight; their end is not counted as completed/aborted.
    const inFlight = stats.inFlight;
    Object.assign(stats, emptyStats(), { inFlight, maxInFlight: inFlight });
    requests.length = 0;
    epoch++;
  }

  /** Waits `ms`, resolving false early if the response closes or the server shuts down. */
  function wait(ms: number, res: ServerResponse): Promise<boolean> {
    if (res.destroyed || closing) {
      return Promise.resolve(false);
    }
    if (ms <= 0) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed && !closing);
      }, ms);
      timers.add(timer);
      res.once('close', onClose);
    });
  }

  function isHanging(n: number): boolean {
    const hang = options.hangRequests;
    if (!hang) {
      return false;
    }
    return typeof hang === 'function' ? hang(n) : hang.includes(n);
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Record<string, unknown>;
    try {
      const raw = await readBody(req);
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new SyntaxError('body must be a JSON object');
      }
      body = parsed as Record<string, unknown>;
    } catch (error) {
      stats.badRequests++;
      const tooLarge = error instanceof BodyTooLargeError;
      sendError(
        res,
        tooLarge ? 413 : 400,
        tooLarge
          ? 'Request body too large.'
          : `We could not parse the JSON body of your request. (${(error as Error).message})`,
        'invalid_request_error',
        null,
      );
      return;
    }

    const messages = parseMessages(body['messages']);
    const model = typeof body['model'] === 'string' ? body['model'] : '';
    if (!model || !messages) {
      stats.badRequests++;
      sendError(
        res,
        400,
        !model ? "Missing required parameter: 'model'." : "Missing required parameter: 'messages'.",
        'invalid_request_error',
        !model ? 'model' : 'messages',
      );
      return;
    }

    const chat: ChatRequest = {
      model,
      messages,
      stream: body['stream'] === true,
      max_tokens: numberOrUndefined(body['max_tokens']),
      max_completion_tokens: numberOrUndefined(body['max_completion_tokens']),
      temperature: numberOrUndefined(body['temperature']),
      title: extractTitle(messages),
      body,
    };

    const n = ++stats.requests;
    requests.push(chat);
    if (chat.title !== undefined) {
      stats.byTitle[chat.title] = (stats.byTitle[chat.title] ?? 0) + 1;
    }
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const requestEpoch = epoch;
    res.once('close', () => {
      stats.inFlight = Math.max(0, stats.inFlight - 1);
      if (requestEpoch !== epoch) {
        return; // arrived before resetStats()
      }
      if (res.writableFinished) {
        stats.completed++;
      } else {
        stats.aborted++;
      }
    });

    if (isHanging(n)) {
      return; // never answer; 'close' fires when the client aborts or the server closes
    }
    if (!(await wait(options.latencyMs ?? 0, res))) {
      return;
    }

    if (options.rateLimitFirst && n <= options.rateLimitFirst) {
      stats.rateLimited++;
      const seconds = options.retryAfterSeconds ?? 1;
      const headers: Record<string, string> = { 'retry-after': String(seconds) };
      if (options.sendRetryAfterMs ?? true) {
        headers['retry-after-ms'] = String(Math.round(seconds * 1000));
      }
      sendError(
        res,
        429,
        'Rate limit reached for requests. Please try again later.',
        'requests',
        null,
        'rate_limit_exceeded',
        headers,
      );
      return;
    }
    if (options.failEvery && n % options.failEvery === 0) {
      stats.serverErrors++;
      sendError(res, 500, 'The server had an error while processing your request.', 'server_error', null);
      return;
    }

    const text = (options.reply ?? defaultReply)(chat, n);
    const id = `chatcmpl-test-${++idCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: estimateTokens(messages.map((m) => m.content).join('\n')),
      completion_tokens: estimateTokens(text),
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;

    if (!chat.stream) {
      stats.succeeded++;
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
        system_fingerprint: 'fp_test',
      });
      return;
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': id,
    });
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: 'fp_test',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`;

    const pieces = splitIntoChunks(text);
    for (let i = 0; i < pieces.length; i++) {
      if (i > 0 && !(await wait(options.streamChunkDelayMs ?? 0, res))) {
        return;
      }
      if (res.destroyed) {
        return;
      }
      res.write(chunk(i === 0 ? { role: 'assistant', content: pieces[i] } : { content: pieces[i] }, null));
    }
    if (!(await wait(options.streamChunkDelayMs ?? 0, res))) {
      return;
    }
    res.write(chunk({}, 'stop'));
    const streamOptions = body['stream_options'] as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
      );
    }
    stats.succeeded++;
    res.end('data: [DONE]\n\n');
  }

  function handleControl(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (req.method === 'GET' && path === '/__stats') {
      sendJson(res, 200, { ...stats, byTitle: { ...stats.byTitle } });
      return true;
    }
    if (req.method === 'POST' && path === '/__reset') {
      resetStats();
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (req.method === 'POST' && path === '/__options') {
      readBody(req)
        .then((raw) => {
          const patch = JSON.parse(raw || '{}') as Partial<OpenAiTestServerOptions>;
          delete patch.reply; // functions cannot come over JSON
          options = { ...options, ...patch };
          sendJson(res, 200, { ok: true });
        })
        .catch((error: Error) => sendError(res, 400, error.message, 'invalid_request_error', null));
      return true;
    }
    return false;
  }

  const server: Server = createServer((req, res) => {
    openResponses.set(res, new Promise<void>((resolve) => res.once('close', () => resolve())));
    res.once('close', () => openResponses.delete(res));
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      handleChat(req, res).catch((error: Error) => {
        if (!res.headersSent && !res.destroyed) {
          sendError(res, 500, `Test server error: ${error.message}`, 'server_error', null);
        } else {
          res.destroy(error);
        }
      });
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, {
        object: 'list',
        data: [{ id: TEST_MODEL_ID, object: 'model', created: 1700000000, owned_by: 'scorm-merge-tests' }],
      });
      return;
    }
    if (handleControl(req, res, path)) {
      return;
    }
    sendError(
      res,
      404,
      `Unknown request URL: ${req.method} ${path}.`,
      'invalid_request_error',
      null,
      'unknown_url',
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    stats,
    requests,
    setOptions(patch) {
      options = { ...options, ...patch };
    },
    resetStats,
    close() {
      if (!closed) {
        closing = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const timer of timers) {
          clearTimeout(timer);
        }
        timers.clear();
        server.closeAllConnections();
        for (const socket of sockets) {
          socket.destroy();
        }
        closed = Promise.all([serverClosed, ...openResponses.values()]).then(() => undefined);
      }
      return closed;
    },
  };
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError('body too large'));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    return undefined;
  }
  return value.map((m: unknown) => {
    const message = (m ?? {}) as { role?: unknown; content?: unknown };
    return { role: String(message.role ?? ''), content: contentToText(message.content) };
  });
}

/** Message content may be a string or an array of parts ({ type: 'text', text }). */
function contentToText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) => {
        const p = part as { text?: unknown };
        return typeof p?.text === 'string' ? p.text : '';
      })
      .join('');
  }
  return '';
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function sendJson(
  res: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) {
    return;
  }
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Answers an error in OpenAI's shape: { error: { message, type, param, code } }. */
function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null = null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param, code } }, headers);
}
