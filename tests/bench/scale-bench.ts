import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PROGRESS_SUBSCRIPTION,
  slug,
  startDescriptions,
  type ProgressEvent,
  type UploadedPackage,
} from '../api-e2e/description-test-kit';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../multi-instance/multi-instance-kit';
import { freshKeyPrefix } from '../multi-instance/redis-kit';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { subscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer } from '../support/openai-test-server';

/**
 * bench:scale: the same workload on (a) one SQLite process, (b) one instance on PostgreSQL + Redis and
 * (c) two instances on PostgreSQL + Redis with the client alternating between them request by request.
 * Workload: SCALE_SESSIONS (20) sessions at once, each uploading SCALE_PACKAGES (10) packages, describing
 * them with the AI (the local OpenAI-compatible server, 200 ms a request), merging and downloading.
 * Prints wall time, the p95 of each step and the errors side by side.
 * Targets: (b) within 1.3× (a) in wall time; no error in (c).
 */
const SESSIONS = Number(process.env['SCALE_SESSIONS'] ?? 20);
const PACKAGES = Number(process.env['SCALE_PACKAGES'] ?? 10);
const LATENCY_MS = 200;
const STEPS = ['upload', 'descriptions', 'merge', 'download'] as const;
type Step = (typeof STEPS)[number];
const MERGE_PROGRESS = 'subscription ($id: ID!) { mergeProgress(sessionId: $id) { mergeId status } }';

interface Setup {
  name: string;
  instances: number;
  shared: boolean;
  /** PostgreSQL without Redis (SCALE_POSTGRES_ONLY=1 adds it): tells the database's share from Redis's. */
  postgresOnly?: boolean;
}
const SETUPS: Setup[] = [
  { name: '(a) 1 × SQLite', instances: 1, shared: false },
  { name: '(b) 1 × PostgreSQL + Redis', instances: 1, shared: true },
  { name: '(c) 2 × PostgreSQL + Redis', instances: 2, shared: true },
  ...(process.env['SCALE_POSTGRES_ONLY'] === '1'
    ? [{ name: '(d) 1 × PostgreSQL, no Redis', instances: 1, shared: true, postgresOnly: true }]
    : []),
];

interface Result {
  wallMs: number;
  steps: Record<Step, number[]>;
  errors: string[];
}

async function runSetup(setup: Setup, openaiUrl: string, run: string): Promise<Result> {
  const work = mkdtempSync(join(tmpdir(), 'scorm-bench-scale-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const configFile = join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      openai: { model: 'gpt-test', timeout: 10_000 },
      // One client address makes every request here: the limits are not what is measured.
      rateLimits: { createSession: 10_000, upload: 10_000, startDescriptions: 10_000, startMerge: 10_000 },
      redis: { keyPrefix: freshKeyPrefix('bench-scale') },
    }),
  );
  const env: Record<string, string> = {
    CONFIG_FILE: configFile,
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: openaiUrl,
  };
  let database: TestDatabase | null = null;
  if (setup.shared) {
    database = await createTestDatabase();
    env['DATABASE_URL'] = database.url;
    if (!setup.postgresOnly) env['REDIS_URL'] = TEST_REDIS_URL;
  }
  const servers: ApiServer[] = [];
  try {
    for (let i = 0; i < setup.instances; i++)
      servers.push(await startApiServer({ dataDir, env, timeoutMs: 60_000 }));
    let turn = 0;
    // The load balancer: each request goes to the next instance.
    const next = (): ApiServer => servers[turn++ % servers.length];
    const result: Result = {
      wallMs: 0,
      steps: { upload: [], descriptions: [], merge: [], download: [] },
      errors: [],
    };
    const started = Date.now();
    await Promise.all(
      Array.from({ length: SESSIONS }, (_, s) =>
        flow(next, `${run} ${setup.instances}${setup.shared ? 'r' : 's'} S${s + 1}`, result).catch(
          (error: unknown) => {
            result.errors.push(String((error as Error)?.message ?? error));
          },
        ),
      ),
    );
    result.wallMs = Date.now() - started;
    return result;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function flow(next: () => ApiServer, label: string, result: Result): Promise<void> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    next().url,
    'mutation { createSession { id } }',
  );
  const sessionId = createSession.id;
  const timed = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const value = await work();
    result.steps[step].push(Date.now() - t0);
    return value;
  };
  // Titles unique to this run and session: every package asks the AI (no cache hit).
  const files = Array.from({ length: PACKAGES }, (_, i) => {
    const title = `Scale ${label} Course ${i + 1}`;
    return { name: `${slug(title)}.zip`, data: buildScorm12Package({ title }) };
  });
  await timed('upload', async () => {
    const upload = await uploadPackages(next().url, sessionId, files);
    if (upload.status !== 201 || (upload.body as UploadedPackage[]).some((p) => p.error)) {
      throw new Error(`upload: ${upload.status} ${JSON.stringify(upload.body).slice(0, 200)}`);
    }
  });

  const listening = next();
  const ws = subscriptionClient(listening.url);
  try {
    const progress = await ws.subscribe<ProgressEvent>('descriptionProgress', PROGRESS_SUBSCRIPTION, {
      id: sessionId,
    });
    const merging = await ws.subscribe<{ mergeId: string; status: string }>('mergeProgress', MERGE_PROGRESS, {
      id: sessionId,
    });
    await timed('descriptions', async () => {
      await startDescriptions(next().url, sessionId);
      const done = await progress.waitFor(
        (e) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(e.type),
        180_000,
      );
      if (done.type !== 'COMPLETED' || done.completed !== PACKAGES)
        throw new Error(`descriptions: ${done.message}`);
    });
    const mergeId = await timed('merge', async () => {
      const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
        next().url,
        'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
        { id: sessionId },
      );
      const end = await merging.waitFor(
        (e) => e.mergeId === startMerge.id && e.status !== 'RUNNING' && e.status !== 'QUEUED',
        180_000,
      );
      if (end.status !== 'COMPLETED') throw new Error(`merge: ${end.status}`);
      return startMerge.id;
    });
    await timed('download', async () => {
      const response = await fetch(`${next().url}/api/sessions/${sessionId}/merges/${mergeId}/download`);
      const zip = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200 || zip.readUInt32LE(0) !== 0x04034b50)
        throw new Error(`download: ${response.status}`);
    });
  } finally {
    await ws.close();
  }
}

function p95(values: number[]): string {
  if (values.length === 0) return '—';
  const sorted = [...values].sort((x, y) => x - y);
  return `${sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]} ms`;
}

async function main(): Promise<void> {
  const openai = await startOpenAiTestServer({ latencyMs: LATENCY_MS });
  const run = Date.now().toString(36);
  const results: Result[] = [];
  try {
    for (const setup of SETUPS) {
      console.log(`running ${setup.name}: ${SESSIONS} sessions × ${PACKAGES} packages…`);
      results.push(await runSetup(setup, openai.url, run));
    }
  } finally {
    await openai.close();
  }
  const rows: string[][] = [
    ['', ...SETUPS.map((s) => s.name)],
    ['wall time', ...results.map((r) => `${(r.wallMs / 1000).toFixed(1)} s`)],
    ...STEPS.map((step) => [`p95 ${step}`, ...results.map((r) => p95(r.steps[step]))]),
    ['errors', ...results.map((r) => String(r.errors.length))],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) console.log(`| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
  results.forEach((r, i) =>
    r.errors.slice(0, 5).forEach((e) => console.log(`${SETUPS[i].name} error: ${e}`)),
  );
  const ratio = results[1].wallMs / results[0].wallMs;
  console.log(
    `(b) / (a) wall time: ${ratio.toFixed(2)} (target ≤ 1.3); errors in (c): ${results[2].errors.length} (target 0)`,
  );
  if (ratio > 1.3 || results[2].errors.length > 0) process.exitCode = 1;
}

void main();
