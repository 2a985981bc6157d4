import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { subscriptionClient } from '../support/graphql-subscriptions';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import {
  PROGRESS_SUBSCRIPTION,
  slug,
  startDescriptions,
  UPDATED_SUBSCRIPTION,
  type ProgressEvent,
  type UpdateEvent,
  type UploadedPackage,
} from '../api-e2e/description-test-kit';

/**
 * Soak: the full flow, over and over, against the built server started as `npm start` runs it, with
 * the inspector on (only to force a GC and read the heap):
 * create a session, subscribe, upload 3 packages never seen before (so every flow asks the AI: no cache
 * hit), describe them with the AI (the local OpenAI-compatible server), merge, download.
 * Every SOAK_SAMPLE_SECONDS it prints heap after a full GC, RSS and open file descriptors of the server;
 * at the end the least-squares slope of heap after GC per 1,000 AI requests and per hour, after warm-up.
 *
 * SOAK_MINUTES (default 10), SOAK_WARMUP_MINUTES (default 2), SOAK_SAMPLE_SECONDS (default 30).
 * SOAK_SNAPSHOTS=1 also takes a heap snapshot after warm-up and one at the end and prints what grew by
 * object kind (to name a leak). A snapshot disturbs what follows it: V8 drops compiled code that the
 * JIT then rebuilds, and the server's RSS keeps the snapshot's cost; so it is off by default.
 */
const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 10);
const WARMUP_MINUTES = Number(process.env['SOAK_WARMUP_MINUTES'] ?? 2);
const SAMPLE_SECONDS = Number(process.env['SOAK_SAMPLE_SECONDS'] ?? 30);
const SNAPSHOTS = process.env['SOAK_SNAPSHOTS'] === '1';
const PACKAGES_PER_FLOW = 3;
const TARGET_KIB_PER_1000_REQUESTS = 50;
const MERGE_PROGRESS_SUBSCRIPTION =
  'subscription ($id: ID!) { mergeProgress(sessionId: $id) { mergeId status step progress } }';

/**
 * Evaluated in the server (its main module is CommonJS): bytes of compiled code, bytecode and their
 * metadata on the heap. The JIT adds to it as it optimizes more of the server, less and less over time.
 */
const CODE_BYTES = `(() => {
  const code = process.mainModule.require('v8').getHeapCodeStatistics();
  return code.code_and_metadata_size + code.bytecode_and_metadata_size;
})()`;

interface Sample {
  seconds: number;
  flows: number;
  aiRequests: number;
  heapBytes: number;
  /** Of heapBytes, compiled code, bytecode and their metadata (see CODE_BYTES). */
  codeBytes: number;
  rssBytes: number;
  fds: number;
}

/** A minimal Chrome DevTools Protocol client over the server's inspector WebSocket. */
class Inspector {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >();

  private snapshotChunks: string[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        id?: number;
        method?: string;
        params?: { chunk?: string };
        result?: unknown;
        error?: { message: string };
      };
      if (message.method === 'HeapProfiler.addHeapSnapshotChunk') {
        this.snapshotChunks.push(message.params?.chunk ?? '');
        return;
      }
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Inspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * V8 heap in use after full GCs (with a pause between them, so finalizers and WeakRefs let go), and how
   * much of it is compiled code.
   */
  async heapAfterGc(): Promise<{ heapBytes: number; codeBytes: number }> {
    for (let i = 0; i < 3; i++) {
      await this.send('HeapProfiler.collectGarbage');
      await delay(50);
    }
    const { usedSize } = await this.send<{ usedSize: number }>('Runtime.getHeapUsage');
    const { result } = await this.send<{ result: { value?: number } }>('Runtime.evaluate', {
      expression: CODE_BYTES,
      returnByValue: true,
    });
    return { heapBytes: usedSize, codeBytes: result.value ?? NaN };
  }

  /** Live objects (after GC) counted by kind: `type:constructor or name` → count and bytes. */
  async heapCensus(): Promise<Map<string, { count: number; bytes: number }>> {
    this.snapshotChunks = [];
    await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const snapshot = JSON.parse(this.snapshotChunks.join('')) as HeapSnapshot;
    this.snapshotChunks = [];
    const fields = snapshot.snapshot.meta.node_fields;
    const types = snapshot.snapshot.meta.node_types[0];
    const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
    const census = new Map<string, { count: number; bytes: number }>();
    const { nodes, strings } = snapshot;
    for (let i = 0; i < nodes.length; i += fields.length) {
      const kind = types[nodes[i + type]];
      const label = kind.includes('string') ? 'string' : `${kind}:${strings[nodes[i + name]].slice(0, 60)}`;
      const entry = census.get(label) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += nodes[i + size];
      census.set(label, entry);
    }
    return census;
  }

  close(): void {
    this.socket.close();
  }
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * What grew between two censuses, biggest first. V8's own kinds ("code", and "system / …" objects such
 * as the dependent-code lists of optimized code) grow while the JIT optimizes more; application
 * objects that grow are what a leak looks like.
 */
function printCensusGrowth(
  before: Map<string, { count: number; bytes: number }>,
  after: Map<string, { count: number; bytes: number }>,
  requests: number,
): void {
  const growth = [...after].map(([label, { count, bytes }]) => ({
    label,
    count: count - (before.get(label)?.count ?? 0),
    bytes: bytes - (before.get(label)?.bytes ?? 0),
  }));
  for (const [label, { count, bytes }] of before) {
    if (!after.has(label)) growth.push({ label, count: -count, bytes: -bytes });
  }
  const isV8 = (label: string): boolean => label.startsWith('code:') || label.includes('system / ');
  const sum = (rows: typeof growth): number => rows.reduce((total, row) => total + row.bytes, 0);
  const v8 = sum(growth.filter((row) => isV8(row.label)));
  const rest = sum(growth.filter((row) => !isV8(row.label)));
  console.log(
    `heap snapshots, first measured sample → last (${requests} AI requests): ` +
      `${(v8 / 1024).toFixed(0)} KiB in V8's code and system objects, ` +
      `${(rest / 1024).toFixed(0)} KiB in all other objects (${((rest * 1000) / Math.max(1, requests) / 1024).toFixed(1)} KiB per 1,000 AI requests); largest changes:`,
  );
  for (const row of growth.sort((a, b) => b.bytes - a.bytes).slice(0, 10)) {
    console.log(`  ${String(row.bytes).padStart(9)} B ${String(row.count).padStart(7)}×  ${row.label}`);
  }
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Least-squares line y = a + b·x, with R². */
function leastSquares(xs: number[], ys: number[]): { slope: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, r2: sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

/** One full flow, as the web app drives it; returns the AI requests it caused. */
async function flow(server: ApiServer, openai: OpenAiTestServer, run: string, n: number): Promise<number> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.url,
    'mutation { createSession { id } }',
  );
  const sessionId = createSession.id;
  const ws = subscriptionClient(server.url);
  try {
    const progress = await ws.subscribe<ProgressEvent>('descriptionProgress', PROGRESS_SUBSCRIPTION, {
      id: sessionId,
    });
    const updated = await ws.subscribe<UpdateEvent>('descriptionUpdated', UPDATED_SUBSCRIPTION, {
      id: sessionId,
    });
    const merging = await ws.subscribe<{ mergeId: string; status: string }>(
      'mergeProgress',
      MERGE_PROGRESS_SUBSCRIPTION,
      { id: sessionId },
    );

    // Titles unique to this run and flow: distinct zips, distinct cache keys, so every package asks the AI.
    const titles = Array.from(
      { length: PACKAGES_PER_FLOW },
      (_, i) => `Soak ${run} Flow ${n} Course ${i + 1}`,
    );
    const files = titles.map((title) => ({
      name: `${slug(title)}.zip`,
      data: buildScorm12Package({ title }),
    }));
    // The test server keeps every request it saw; this flow only needs its count.
    openai.resetStats();
    const upload = await uploadPackages(server.url, sessionId, files);
    const packages = upload.body as UploadedPackage[];
    if (upload.status !== 201 || packages.some((p) => p.error)) {
      throw new Error(`upload failed: ${upload.status} ${JSON.stringify(upload.body)}`);
    }

    await startDescriptions(server.url, sessionId);
    const done = await progress.waitFor((e) => e.type === 'COMPLETED' || e.type === 'FAILED', 60_000);
    const ai = updated.events.filter((u) => u.source === 'AI' && !u.fallback).length;
    if (done.type !== 'COMPLETED' || ai !== PACKAGES_PER_FLOW) {
      throw new Error(`descriptions: ${done.type}, ${ai}/${PACKAGES_PER_FLOW} by AI: ${done.message}`);
    }

    const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id, options: { title: "Soak course" }) { id } }',
      { id: sessionId },
    );
    await merging.waitFor((e) => e.mergeId === startMerge.id && e.status === 'COMPLETED', 60_000);
    const { session } = await graphqlOk<{
      session: { merges: Array<{ id: string; downloadUrl: string | null; sizeBytes: number | null }> };
    }>(server.url, 'query ($id: ID!) { session(id: $id) { merges { id downloadUrl sizeBytes } } }', {
      id: sessionId,
    });
    const merge = session.merges.find((m) => m.id === startMerge.id);
    if (!merge?.downloadUrl) throw new Error(`merge ${startMerge.id} has no download`);
    const response = await fetch(`${server.url}${merge.downloadUrl}`);
    const zip = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200 || zip.length !== merge.sizeBytes || zip.readUInt32LE(0) !== 0x04034b50) {
      throw new Error(`download: ${response.status}, ${zip.length} bytes, expected ${merge.sizeBytes}`);
    }
    return openai.stats.requests;
  } finally {
    await ws.close();
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2);
}

function printSample(s: Sample): void {
  console.log(
    [
      (s.seconds / 60).toFixed(1).padStart(6),
      String(s.flows).padStart(6),
      String(s.aiRequests).padStart(8),
      mib(s.heapBytes).padStart(12),
      mib(s.codeBytes).padStart(9),
      mib(s.heapBytes - s.codeBytes).padStart(12),
      mib(s.rssBytes).padStart(9),
      String(s.fds).padStart(5),
    ].join(' '),
  );
}

interface Slopes {
  /** KiB per 1,000 AI requests */
  heap: number;
  objects: number;
}

/** Prints the least-squares slopes of heap after GC, its compiled code and the rest over `window`. */
function printSlopes(title: string, window: Sample[]): Slopes {
  const first = window[0];
  const last = window[window.length - 1];
  console.log(
    `${title}: ${window.length} samples, ${last.flows - first.flows} flows, ` +
      `${last.aiRequests - first.aiRequests} AI requests in ${((last.seconds - first.seconds) / 60).toFixed(1)} min`,
  );
  const requests = window.map((s) => s.aiRequests);
  const seconds = window.map((s) => s.seconds);
  const slope = (label: string, bytes: (s: Sample) => number): number => {
    const ys = window.map(bytes);
    const perRequest = leastSquares(requests, ys);
    const perSecond = leastSquares(seconds, ys);
    const kibPer1000 = (perRequest.slope * 1000) / 1024;
    console.log(
      `  ${label.padEnd(34)} ${mib(bytes(first))} → ${mib(bytes(last))} MiB; ` +
        `${kibPer1000.toFixed(1)} KiB per 1,000 AI requests (R² ${perRequest.r2.toFixed(2)}), ` +
        `${((perSecond.slope * 3600) / 1024 / 1024).toFixed(2)} MiB per hour`,
    );
    return kibPer1000;
  };
  const heap = slope('heap after GC', (s) => s.heapBytes);
  slope('  of it code, bytecode + metadata', (s) => s.codeBytes);
  const objects = slope('  the rest (objects)', (s) => s.heapBytes - s.codeBytes);
  return { heap, objects };
}

function report(samples: Sample[]): boolean {
  const measured = samples.filter((s) => s.seconds >= WARMUP_MINUTES * 60);
  console.log('');
  if (measured.length < 3) {
    console.log(
      `only ${measured.length} samples after the ${WARMUP_MINUTES}-minute warm-up: no fit (run longer)`,
    );
    return false;
  }
  const slopes = printSlopes(`after the ${WARMUP_MINUTES}-minute warm-up`, measured);
  const secondHalf = samples.filter((s) => s.seconds >= samples[samples.length - 1].seconds / 2);
  if (secondHalf.length >= 3 && secondHalf.length < measured.length) {
    printSlopes('second half of the run', secondHalf);
  }
  const first = measured[0];
  const last = measured[measured.length - 1];
  const fds = measured.map((s) => s.fds);
  const fdFit = leastSquares(
    measured.map((s) => s.seconds),
    fds,
  );
  const fdGrowth = fdFit.slope * (last.seconds - first.seconds);
  // Flat: the second half of the window peaks no more than 2 above the first half (a leak adds one per flow).
  const half = Math.ceil(fds.length / 2);
  const fdsFlat = Math.max(...fds.slice(half)) <= Math.max(...fds.slice(0, half)) + 2;
  console.log(
    `open fds: ${first.fds} → ${last.fds} (min ${Math.min(...fds)}, max ${Math.max(...fds)}); ` +
      `fitted ${(fdFit.slope * 3600).toFixed(1)} per hour, ${fdGrowth.toFixed(2)} over the measured window`,
  );
  console.log(`RSS: ${mib(first.rssBytes)} → ${mib(last.rssBytes)} MiB`);
  const verdict = (kib: number): string => (kib <= TARGET_KIB_PER_1000_REQUESTS ? 'met' : 'NOT met');
  console.log(
    `target heap after GC ≤ ${TARGET_KIB_PER_1000_REQUESTS} KiB per 1,000 AI requests after warm-up: ` +
      `${verdict(slopes.heap)} (objects alone: ${verdict(slopes.objects)}); ` +
      `open fds flat: ${fdsFlat ? 'met' : 'NOT met'}`,
  );
  return slopes.heap <= TARGET_KIB_PER_1000_REQUESTS && fdsFlat;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'scorm-bench-soak-'));
  const openai = await startOpenAiTestServer({ latencyMs: 20 });
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const configFile = join(work, 'soak-config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      openai: { model: 'gpt-test', timeout: 10_000, maxTokens: 150, temperature: 0.7 },
      descriptions: { concurrency: 4, maxRetries: 3, backoffBaseMs: 50, backoffMaxMs: 400 },
      // One client runs every flow, a few a second: the per-client limits are for people, not for this.
      rateLimits: { createSession: 1e9, upload: 1e9, startDescriptions: 1e9, startMerge: 1e9 },
    }),
  );
  // `npm start`'s flags (startApiServer reads them from package.json) plus the inspector, for measuring only.
  const server = await startApiServer({
    dataDir,
    env: {
      CONFIG_FILE: configFile,
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: openai.url,
      NODE_OPTIONS: '--inspect=127.0.0.1:0',
    },
  });
  const pid = server.process.pid;
  let inspector: Inspector | undefined;
  let failures = 0;
  try {
    if (pid === undefined) throw new Error('server has no pid');
    const wsUrl = server.logs
      .map((line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1])
      .find(Boolean);
    if (!wsUrl) throw new Error(`no inspector URL in the server's output:\n${server.logs.join('\n')}`);
    inspector = await Inspector.connect(wsUrl);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    console.log(`server: NODE_OPTIONS=--inspect=127.0.0.1:0 ${cmdline} (pid ${pid})`);
    console.log(
      `soak: ${MINUTES} min, a sample every ${SAMPLE_SECONDS} s, slopes fitted after ${WARMUP_MINUTES} min; ` +
        `${PACKAGES_PER_FLOW} new packages per flow, AI answers after 20 ms`,
    );
    console.log('');
    console.log('   min  flows  AI reqs  heap/GC MiB  code MiB  objects MiB  RSS MiB   fds');

    const run = Date.now().toString(36);
    const samples: Sample[] = [];
    const start = performance.now();
    const end = start + MINUTES * 60_000;
    let flows = 0;
    let aiRequests = 0;
    let consecutiveFailures = 0;
    let census: { at: number; objects: Awaited<ReturnType<Inspector['heapCensus']>> } | undefined;
    const sample = async (): Promise<void> => {
      const { heapBytes, codeBytes } = await (inspector as Inspector).heapAfterGc();
      const s: Sample = {
        seconds: (performance.now() - start) / 1000,
        flows,
        aiRequests,
        heapBytes,
        codeBytes,
        rssBytes: rssBytes(pid),
        fds: openFds(pid),
      };
      samples.push(s);
      printSample(s);
      // A heap snapshot at the first measured sample, to compare with one at the end.
      if (SNAPSHOTS && !census && s.seconds >= WARMUP_MINUTES * 60) {
        census = { at: aiRequests, objects: await (inspector as Inspector).heapCensus() };
      }
    };
    await sample();
    let nextSample = start + SAMPLE_SECONDS * 1000;
    while (performance.now() < end) {
      try {
        aiRequests += await flow(server, openai, run, flows + failures + 1);
        flows++;
        consecutiveFailures = 0;
      } catch (error) {
        failures++;
        consecutiveFailures++;
        console.log(`flow failed: ${(error as Error).message}`);
        if (consecutiveFailures >= 3) throw new Error('3 flows failed in a row: stopping');
      }
      if (performance.now() >= nextSample) {
        // Between flows, so the sample holds no flow's in-flight objects; a moment for sockets to close.
        await delay(200);
        await sample();
        nextSample += SAMPLE_SECONDS * 1000;
      }
    }
    if ((performance.now() - start) / 1000 - samples[samples.length - 1].seconds > 5) {
      await delay(200);
      await sample();
    }
    console.log(`\n${flows} flows completed, ${failures} failed, ${aiRequests} AI requests`);
    const met = report(samples);
    if (census) {
      printCensusGrowth(census.objects, await inspector.heapCensus(), aiRequests - census.at);
    }
    if (!met || failures > 0) process.exitCode = 1;
  } finally {
    inspector?.close();
    await server.stop();
    await openai.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
