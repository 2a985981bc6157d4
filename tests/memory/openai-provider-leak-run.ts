import { setTimeout as delay } from 'node:timers/promises';
import { OpenAiDescriptionProvider } from '@scorm-merge/descriptions';
import { startOpenAiTestServer } from '../support/openai-test-server';

/**
 * Sends REQUESTS description requests through the real provider and SDK to the local OpenAI-compatible
 * server, and prints (as the last line, JSON) how much heap survives a full GC afterwards.
 * Needs `node --expose-gc`; openai-provider-leak.spec.ts runs it in its own process.
 */
const REQUESTS = Number(process.env['LEAK_REQUESTS'] ?? 5000);
const WARM_UP = 2000;
const CONCURRENCY = 4;

async function heapAfterGc(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  // Several passes with a macrotask between them: WeakRefs and finalizers need a turn to let go.
  for (let i = 0; i < 5; i++) {
    gc();
    await delay(10);
  }
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const server = await startOpenAiTestServer();
  const provider = new OpenAiDescriptionProvider({
    apiKey: 'test-key',
    baseURL: server.url,
    model: 'gpt-test',
    maxTokens: 150,
    temperature: 0.7,
    timeout: 10_000,
    enabled: true,
  });
  // One signal for all requests, as one long description task passes its signal to each of them.
  const task = new AbortController();
  let next = 0;
  const send = async (count: number): Promise<void> => {
    const end = next + count;
    const worker = async (): Promise<void> => {
      while (next < end) {
        const n = next++;
        const title = `Leak Course ${n}`;
        const text = await provider.describe(
          {
            id: `pkg-${n}`,
            title,
            filename: `leak-course-${n}.zip`,
            scormVersion: '1.2',
            scoCount: 1,
            lomDescription: null,
            contentSample: `Lesson text of ${title}.`,
            outline: ['Lesson 1'],
            contentHash: null,
          },
          { signal: task.signal },
        );
        if (!text.includes(title)) throw new Error(`unexpected answer for ${title}: ${text}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };

  try {
    await send(WARM_UP);
    server.resetStats(); // the test server records every request; only the provider's side is measured
    const before = await heapAfterGc();
    const start = performance.now();
    await send(REQUESTS);
    const seconds = (performance.now() - start) / 1000;
    const succeeded = server.stats.succeeded;
    server.resetStats();
    const after = await heapAfterGc();
    const retainedBytes = after - before;
    console.log(
      JSON.stringify({
        requests: REQUESTS,
        succeeded,
        seconds: Number(seconds.toFixed(1)),
        heapBeforeBytes: before,
        heapAfterBytes: after,
        retainedBytes,
        retainedPerRequestBytes: Math.round(retainedBytes / REQUESTS),
      }),
    );
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
