import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlOk, uploadFilesStreamed } from '../support/api-client';
import { startApiServer } from '../support/api-server';
import { MB, peakRssBytes, totalBytes, writeBenchPackages } from './bench-packages';

/** Like a browser: a few requests at once, each carrying a few files. */
const UPLOAD_CONCURRENCY = Number(process.env['BENCH_UPLOAD_CONCURRENCY'] ?? 4);
const FILES_PER_REQUEST = Number(process.env['BENCH_FILES_PER_REQUEST'] ?? 1);

/** Uploads and parses packages through the real server; prints wall time, MB/s, peak RSS and `cp` time. */
async function run(label: string, count: number, mediaBytes: number, work: string): Promise<void> {
  const inputDir = join(work, `${label}-input`);
  const paths = await writeBenchPackages(inputDir, count, mediaBytes);
  const bytes = totalBytes(paths);

  const copyStart = process.hrtime.bigint();
  execFileSync('cp', ['-r', inputDir, join(work, `${label}-copy`)]);
  execFileSync('sync');
  const copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9;

  const server = await startApiServer({ dataDir: join(work, `${label}-data`), env: { CONFIG_FILE: '' } });
  try {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const baseRss = peakRssBytes(server.process.pid as number);
    const queue = [...paths];
    let failures = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
        for (
          let batch = queue.splice(0, FILES_PER_REQUEST);
          batch.length > 0;
          batch = queue.splice(0, FILES_PER_REQUEST)
        ) {
          const { status, body } = await uploadFilesStreamed(server.url, createSession.id, batch);
          const entries = body as Array<{ error: string | null }>;
          if (status !== 201) failures += batch.length;
          else failures += entries.filter((entry) => entry.error).length;
        }
      }),
    );
    execFileSync('sync');
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const peak = peakRssBytes(server.process.pid as number);
    console.log(
      [
        `[${label}] ${count} packages, ${(bytes / MB).toFixed(0)} MB (${(mediaBytes / MB).toFixed(1)} MB media each), ${failures} failed`,
        `  upload + parse: ${seconds.toFixed(2)} s, ${(bytes / MB / seconds).toFixed(0)} MB/s`,
        `  cp -r + sync:   ${copySeconds.toFixed(2)} s, ${(bytes / MB / copySeconds).toFixed(0)} MB/s  → ratio ${(seconds / copySeconds).toFixed(2)}× (target ≤ 2×)`,
        `  server peak RSS: ${(peak / MB).toFixed(0)} MB (at start ${(baseRss / MB).toFixed(0)} MB)`,
      ].join('\n'),
    );
    if (failures > 0) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'scorm-bench-ingest-'));
  try {
    // Same total size in two shapes: peak RSS must not grow with the size of each package.
    await run('100x5MB', 100, 5 * MB, work);
    await run('20x25MB', 20, 25 * MB, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
