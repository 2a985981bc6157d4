import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import {
  createSessionWithPackages,
  PROGRESS_SUBSCRIPTION,
  startDescriptions,
  startDescriptionServer,
  UPDATED_SUBSCRIPTION,
  type ProgressEvent,
  type UpdateEvent,
} from '../api-e2e/description-test-kit';

const PACKAGES = 100;
const LATENCY_MS = 200;
const TARGET_RATIO = 1.25;

/**
 * Describes 100 packages through the real server and the real SDK against the local test server
 * (200 ms per answer); prints wall time against the ideal ceil(100/c) × 200 ms, and how soon the first
 * description reaches a subscriber.
 */
async function run(concurrency: number, openai: OpenAiTestServer, work: string): Promise<number> {
  const server = await startDescriptionServer(join(work, `c${concurrency}`), openai, {
    concurrency,
    timeout: 10_000,
  });
  const ws = subscriptionClient(server.url);
  try {
    const titles = Array.from({ length: PACKAGES }, (_, i) => `Bench c${concurrency} Course ${i + 1}`);
    const { sessionId } = await createSessionWithPackages(server.url, titles);
    const progress = await ws.subscribe<ProgressEvent>('descriptionProgress', PROGRESS_SUBSCRIPTION, {
      id: sessionId,
    });
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    openai.resetStats();

    const start = performance.now();
    await startDescriptions(server.url, sessionId);
    await updated.waitFor(() => true, 60_000);
    const firstUpdate = performance.now() - start;
    const done = await progress.waitFor((e) => e.type === 'COMPLETED', 300_000);
    const wall = performance.now() - start;

    const ideal = Math.ceil(PACKAGES / concurrency) * LATENCY_MS;
    const ratio = wall / ideal;
    const ai = updated.events.filter((u) => u.source === 'AI').length;
    console.log(
      [
        `[concurrency ${concurrency}] ${done.completed}/${done.total} packages, ${ai} by AI, ${openai.stats.requests} requests, max ${openai.stats.maxInFlight} in flight`,
        `  wall ${(wall / 1000).toFixed(2)} s, ideal ${(ideal / 1000).toFixed(2)} s → ${ratio.toFixed(3)}× ideal` +
          (concurrency > 1
            ? ` (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`
            : ''),
        `  startDescriptions → first descriptionUpdated at the subscriber: ${firstUpdate.toFixed(0)} ms (one answer takes ${LATENCY_MS} ms)`,
      ].join('\n'),
    );
    if (done.completed !== PACKAGES || ai !== PACKAGES) process.exitCode = 1;
    return ratio;
  } finally {
    await ws.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'scorm-bench-descriptions-'));
  const openai = await startOpenAiTestServer({ latencyMs: LATENCY_MS });
  try {
    await run(1, openai, work);
    const ratio = await run(8, openai, work);
    if (ratio > TARGET_RATIO) process.exitCode = 1;
  } finally {
    await openai.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
