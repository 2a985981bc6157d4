import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlOk, uploadFilesStreamed } from '../support/api-client';
import { startApiServer } from '../support/api-server';
import { MB, peakRssBytes, totalBytes, writeBenchPackages } from './bench-packages';

/** Like a browser: a few requests at once, each carrying a few files. */
const UPLOAD_CONCURRENCY = Number(process.env['BENCH_UPLOAD_CONCURRENCY'] ?? 4);
const FILES_PER_REQUEST = Number(process.env['BENCH_FILES_PER_REQUEST'] ?? 1);
/** Each measurement is repeated, interleaved with the others, and the median is reported. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/**
 * Uploads each server takes before the rounds, so they measure a running server. V8 optimizes a function
 * only once it has run often: code that runs once per upload got there after about 2,500 uploads here,
 * and until then a small upload took about 1.5 times the CPU it takes after (compiler threads and
 * unoptimized code). Packages without media (the corpus zips) warm the same code in seconds. A fresh
 * server's first pass is measured and printed too.
 */
const WARM_UP_UPLOADS = Number(process.env['BENCH_WARM_UP_UPLOADS'] ?? 3000);
/**
 * The client shares the machine's cores with the server, so the lightest one is used: curl, a native
 * program like a browser's network process. `BENCH_CLIENT=node` streams from this process instead.
 */
const CLIENT =
  process.env['BENCH_CLIENT'] ?? (spawnSync('curl', ['--version']).status === 0 ? 'curl' : 'node');
if (CLIENT !== 'curl' && CLIENT !== 'node') throw new Error(`BENCH_CLIENT is curl or node, not ${CLIENT}`);

/**
 * A reference for any Node HTTP upload on this machine: a bare node:http server that only writes each
 * request body to a file and leaves the writeback to the closing sync. Run as plain JavaScript, so
 * nothing else weighs on it. The real server flushes while uploads stream in, so it can beat this.
 */
const REFERENCE_SERVER = `
const { createServer } = require('node:http');
const { createWriteStream } = require('node:fs');
const { join } = require('node:path');
let count = 0;
const server = createServer((request, response) => {
  const file = createWriteStream(join(process.argv[1], 'body-' + count++), { highWaterMark: 1 << 20 });
  request.pipe(file).on('finish', () => {
    response.statusCode = 201;
    response.end('[]');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

interface Round {
  seconds: number;
  /** The closing sync alone: the same for every way of writing the data, so it narrows the ratios. */
  syncSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Uploads and parses packages through the real server; prints wall time, MB/s, CPU, peak RSS and `cp` time. */
async function run(
  label: string,
  count: number,
  mediaBytes: number,
  work: string,
  warmUpPaths: string[],
): Promise<void> {
  const inputDir = join(work, `${label}-input`);
  const paths = await writeBenchPackages(inputDir, count, mediaBytes);
  const bytes = totalBytes(paths);
  execFileSync('sync');

  const server = await startApiServer({
    dataDir: join(work, `${label}-data`),
    env: { CONFIG_FILE: unthrottledConfig(work) },
  });
  const reference = await startReferenceServer(join(work, `${label}-reference`));
  const copies: Round[] = [];
  const uploads: Round[] = [];
  const references: Round[] = [];
  let failures = 0;
  try {
    const pid = server.process.pid as number;
    /** One measured pass through the server into a new session, removed afterwards. */
    const measuredUpload = async (): Promise<Round> => {
      const sessionId = await createSession(server.url);
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      let results: UploadResult[] = [];
      const round = await measure(pid, async () => {
        results = await uploadAll(server.url, sessionId, paths, work);
      });
      failures += results.filter((entry) => entry.error).length + (paths.length - results.length);
      await removeAll(server.url, sessionId, results);
      return round;
    };
    const first = await measuredUpload();
    const clearReference = () => {
      rmSync(reference.dir, { recursive: true, force: true });
      mkdirSync(reference.dir);
    };
    await uploadAll(reference.url, 'reference', paths, work);
    clearReference();
    for (let uploaded = 0; uploaded < WARM_UP_UPLOADS; uploaded += warmUpPaths.length) {
      const session = await createSession(server.url);
      await removeAll(server.url, session, await uploadAll(server.url, session, warmUpPaths, work));
      await uploadAll(reference.url, 'reference', warmUpPaths, work);
      clearReference();
    }
    // Only large uploads reach the backpressure paths (pause and resume): one more unmeasured pass, else
    // the first round ran them unoptimized and came out up to 1.7 times the others.
    await measuredUpload();
    const idleRss = peakRssBytes(pid);

    const copyDir = join(work, `${label}-copy`);
    const copyInput = () => execFileSync('cp', ['-r', inputDir, copyDir]);
    // The warm-up wrote and deleted thousands of files: one unmeasured copy lets the disk settle first,
    // else the first measured copy ran up to 70% slower here.
    await measure(null, copyInput);
    rmSync(copyDir, { recursive: true, force: true });
    execFileSync('sync');
    const measureCopy = async () => {
      copies.push(await measure(null, copyInput));
      rmSync(copyDir, { recursive: true, force: true });
    };
    const measureReference = async () => {
      references.push(
        await measure(reference.process.pid as number, () =>
          uploadAll(reference.url, 'reference', paths, work),
        ),
      );
      clearReference();
    };
    const measureUpload = async () => {
      uploads.push(await measuredUpload());
    };
    const order = [measureCopy, measureReference, measureUpload];
    for (let round = 0; round < ROUNDS; round++) {
      // Each output is deleted once measured, and the order turns each round: how fast the kernel hands
      // out page-cache memory depends on what was freed just before, and no measurement may always follow another.
      for (let i = 0; i < order.length; i++) await order[(round + i) % order.length]();
    }

    const copy = median(copies);
    const upload = median(uploads);
    const referenceRun = median(references);
    console.log(
      [
        `[${label}] ${count} packages, ${(bytes / MB).toFixed(0)} MB (${(mediaBytes / MB).toFixed(1)} MB media each), ${failures} failed; median of ${ROUNDS} rounds in turning order, each ending in sync, after ${WARM_UP_UPLOADS} warm-up uploads`,
        `  client: ${CLIENT}, ${UPLOAD_CONCURRENCY} requests at once, ${FILES_PER_REQUEST} file(s) each`,
        `  upload + parse:   ${seconds(upload)}, ${rate(bytes, upload)}, server CPU ${upload.cpuSeconds.toFixed(2)} s  [${allRounds(uploads)}]`,
        `  cp -r:            ${seconds(copy)}, ${rate(bytes, copy)}  [${allRounds(copies)}]`,
        `  → ratio ${(upload.seconds / copy.seconds).toFixed(2)}× (target ≤ 2×); within each round: ${pairedRatios(uploads, copies)}`,
        `  reference, a bare node:http server writing each body to a file: ${seconds(referenceRun)}, ${rate(bytes, referenceRun)}, ${(referenceRun.seconds / copy.seconds).toFixed(2)}× cp, server CPU ${referenceRun.cpuSeconds.toFixed(2)} s  [${allRounds(references)}]`,
        // The server against a bare Node upload, independent of how fast this VM's disk and loopback are today.
        `  → upload + parse over the reference: ${(upload.seconds / referenceRun.seconds).toFixed(2)}×; within each round: ${pairedRatios(uploads, references)}`,
        `  a fresh server's first pass: ${seconds(first)}, ${(first.seconds / copy.seconds).toFixed(2)}× the median cp, server CPU ${first.cpuSeconds.toFixed(2)} s`,
        `  server peak RSS during the upload: ${(upload.peakRssBytes / MB).toFixed(0)} MB (before it: ${(idleRss / MB).toFixed(0)} MB)`,
      ].join('\n'),
    );
    if (failures > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await reference.stop();
  }
}

async function measure(pid: number | null, work: () => unknown): Promise<Round> {
  // The disk settles first: deleting the previous output queues work (journal, discards on a disk mounted
  // with discard) that else lands on whatever runs next, and most on what flushes while it runs.
  execFileSync('sync');
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const start = process.hrtime.bigint();
  await work();
  const written = process.hrtime.bigint();
  execFileSync('sync');
  const end = process.hrtime.bigint();
  return {
    seconds: Number(end - start) / 1e9,
    syncSeconds: Number(end - written) / 1e9,
    cpuSeconds: pid ? cpuSeconds(pid) - cpuBefore : 0,
    peakRssBytes: pid ? peakRssBytes(pid) : 0,
  };
}

type UploadResult = { id: string; error: string | null };

async function uploadAll(
  url: string,
  sessionId: string,
  paths: string[],
  work: string,
): Promise<UploadResult[]> {
  return CLIENT === 'curl'
    ? uploadWithCurl(url, sessionId, paths, work)
    : uploadWithNode(url, sessionId, paths);
}

async function uploadWithNode(url: string, sessionId: string, paths: string[]): Promise<UploadResult[]> {
  const queue = [...paths];
  const results: UploadResult[] = [];
  await Promise.all(
    Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
      for (
        let batch = queue.splice(0, FILES_PER_REQUEST);
        batch.length > 0;
        batch = queue.splice(0, FILES_PER_REQUEST)
      ) {
        const { status, body } = await uploadFilesStreamed(url, sessionId, batch);
        if (status !== 201) throw new Error(`upload answered ${status}: ${JSON.stringify(body)}`);
        results.push(...(body as Array<{ id: string; error: string | null }>));
      }
    }),
  );
  return results;
}

/** One curl process runs every request, UPLOAD_CONCURRENCY at a time; each answer goes to its own file. */
async function uploadWithCurl(
  url: string,
  sessionId: string,
  paths: string[],
  work: string,
): Promise<UploadResult[]> {
  const answers = mkdtempSync(join(work, 'answers-'));
  const endpoint = `${url}/api/sessions/${encodeURIComponent(sessionId)}/packages`;
  const args = ['--no-progress-meter', '--parallel', '--parallel-max', String(UPLOAD_CONCURRENCY)];
  const answerFiles: string[] = [];
  for (let i = 0; i < paths.length; i += FILES_PER_REQUEST) {
    const answer = join(answers, `${answerFiles.length}.json`);
    answerFiles.push(answer);
    if (i > 0) args.push('--next');
    // No "Expect: 100-continue" round trip: browsers never send it.
    // Options after --next apply to that request only, so each repeats them.
    args.push(
      '--silent',
      '--show-error',
      '--header',
      'Expect:',
      '--output',
      answer,
      '--write-out',
      '%{http_code}\\n',
    );
    for (const path of paths.slice(i, i + FILES_PER_REQUEST))
      args.push('--form', `files=@${path};type=application/zip`);
    args.push(endpoint);
  }
  const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let statuses = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (statuses += text));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const bad = statuses.split('\n').filter((status) => status && status !== '201');
    if (code !== 0 || bad.length > 0)
      throw new Error(`curl exited with ${code}; answers: ${statuses.trim()}`);
    return answerFiles.flatMap((answer) => JSON.parse(readFileSync(answer, 'utf8')) as UploadResult[]);
  } finally {
    rmSync(answers, { recursive: true, force: true });
  }
}

/**
 * The defaults, but with the per-client rate limits out of reach: the warm-up alone sends about 170
 * uploads a second from one address (600 a minute is the default limit), and the limiter is not what
 * this measures.
 */
function unthrottledConfig(work: string): string {
  const file = join(work, 'unthrottled-config.json');
  const unlimited = 1_000_000;
  const rateLimits = {
    createSession: unlimited,
    upload: unlimited,
    startDescriptions: unlimited,
    startMerge: unlimited,
  };
  writeFileSync(file, JSON.stringify({ rateLimits }));
  return file;
}

async function createSession(url: string): Promise<string> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    url,
    'mutation { createSession { id } }',
  );
  return createSession.id;
}

async function removeAll(url: string, sessionId: string, packages: Array<{ id: string }>): Promise<void> {
  for (const { id } of packages) {
    await graphqlOk(
      url,
      'mutation ($s: ID!, $p: ID!) { removePackage(sessionId: $s, packageId: $p) { id } }',
      {
        s: sessionId,
        p: id,
      },
    );
  }
}

async function startReferenceServer(
  dir: string,
): Promise<{ url: string; dir: string; process: ChildProcess; stop(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(process.execPath, ['-e', REFERENCE_SERVER, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (line: Buffer) => resolve(Number(String(line).trim())));
    child.once('exit', (code) => reject(new Error(`the reference server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    process: child,
    async stop() {
      child.kill();
      await exited;
    },
  };
}

/** User plus system CPU time of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function median(rounds: Round[]): Round {
  return [...rounds].sort((a, b) => a.seconds - b.seconds)[Math.floor(rounds.length / 2)];
}

/**
 * Time over reference time of the same round. This VM's speed drifts by 2x within minutes, and a
 * round's measurements run back to back, so the ratios within rounds move less than the medians do.
 */
function pairedRatios(measured: Round[], references: Round[]): string {
  const ratios = measured.map((round, i) => round.seconds / references[i].seconds);
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
  return `median ${median.toFixed(2)}× [${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}]`;
}

function seconds(round: Round): string {
  return `${round.seconds.toFixed(2)} s (sync ${round.syncSeconds.toFixed(2)} s)`;
}

function rate(bytes: number, round: Round): string {
  return `${(bytes / MB / round.seconds).toFixed(0)} MB/s`;
}

function allRounds(rounds: Round[]): string {
  return rounds.map((round) => round.seconds.toFixed(2)).join(', ');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'scorm-bench-ingest-'));
  try {
    // Same total size in three shapes: peak RSS must not grow with the size of each package.
    const shapes: Array<[string, number, number]> = [
      ['100x5MB', 100, 5 * MB],
      ['20x25MB', 20, 25 * MB],
      ['5x100MB', 5, 100 * MB],
    ];
    const only = process.env['BENCH_SHAPES']?.split(',');
    const warmUpPaths = await writeBenchPackages(join(work, 'warm-up-input'), 100, 0);
    for (const [label, count, media] of shapes) {
      if (!only || only.includes(label)) await run(label, count, media, work, warmUpPaths);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
