/**
 * Runs the OpenAI-compatible test server standalone, for manual runs, the benchmark or a server
 * process under test:
 *
 *   TS_NODE_PROJECT=tests/tsconfig.spec.json node -r ts-node/register/transpile-only \
 *     tests/support/openai-test-server-cli.ts
 *
 * Knobs come from the environment:
 *   OPENAI_TEST_PORT                 port (default 0: random)
 *   OPENAI_TEST_LATENCY_MS           delay before each answer
 *   OPENAI_TEST_RATE_LIMIT_FIRST     the first N requests answer 429
 *   OPENAI_TEST_RETRY_AFTER_SECONDS  Retry-After of those 429s (default 1)
 *   OPENAI_TEST_FAIL_EVERY           every Nth request answers 500
 *   OPENAI_TEST_HANG_REQUESTS        comma-separated request numbers that never answer
 *   OPENAI_TEST_STREAM_CHUNK_DELAY_MS delay between streamed chunks
 *
 * Prints one line `OPENAI_TEST_SERVER_URL=http://127.0.0.1:PORT/v1` on stdout once listening.
 * Stats: GET /__stats; reset: POST /__reset; change knobs: POST /__options (JSON). Stops on
 * SIGINT/SIGTERM and prints the final stats on stderr.
 */
import { OpenAiTestServerOptions, startOpenAiTestServer } from './openai-test-server';

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  }
  return value;
}

export function optionsFromEnv(): OpenAiTestServerOptions {
  const hang = process.env['OPENAI_TEST_HANG_REQUESTS'];
  return {
    port: numberFromEnv('OPENAI_TEST_PORT'),
    latencyMs: numberFromEnv('OPENAI_TEST_LATENCY_MS'),
    rateLimitFirst: numberFromEnv('OPENAI_TEST_RATE_LIMIT_FIRST'),
    retryAfterSeconds: numberFromEnv('OPENAI_TEST_RETRY_AFTER_SECONDS'),
    failEvery: numberFromEnv('OPENAI_TEST_FAIL_EVERY'),
    streamChunkDelayMs: numberFromEnv('OPENAI_TEST_STREAM_CHUNK_DELAY_MS'),
    hangRequests: hang
      ? hang
          .split(',')
          .map((s) => Number(s.trim()))
          .filter((n) => Number.isInteger(n) && n > 0)
      : undefined,
  };
}

async function main(): Promise<void> {
  const server = await startOpenAiTestServer(optionsFromEnv());
  process.stdout.write(`OPENAI_TEST_SERVER_URL=${server.url}\n`);
  const stop = (): void => {
    server
      .close()
      .then(() => {
        process.stderr.write(`${JSON.stringify(server.stats)}\n`);
        process.exit(0);
      })
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
