import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlOk, uploadFilesStreamed } from '../support/api-client';
import { startApiServer } from '../support/api-server';
import { MB, peakRssBytes, totalBytes, writeBenchPackages } from './bench-packages';

interface MergeState {
  status: string;
  sizeBytes: number | null;
  error: string | null;
}

/** Merges packages through the real server; prints wall time, MB/s, peak RSS and the time `cp` takes for the same bytes. */
async function run(label: string, count: number, mediaBytes: number, work: string): Promise<void> {
  const inputDir = join(work, `${label}-input`);
  const paths = await writeBenchPackages(inputDir, count, mediaBytes);
  const bytes = totalBytes(paths);

  const server = await startApiServer({ dataDir: join(work, `${label}-data`), env: { CONFIG_FILE: '' } });
  try {
    const pid = server.process.pid as number;
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    for (const path of paths) {
      const { status } = await uploadFilesStreamed(server.url, createSession.id, [path]);
      if (status !== 201) throw new Error(`upload failed with ${status}`);
    }
    // Flush the uploads and forget their peak, so the figures below are the merge's alone.
    execFileSync('sync');
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const before = peakRssBytes(pid);

    const start = process.hrtime.bigint();
    const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id, options: { title: "Benchmark course" }) { id } }',
      { id: createSession.id },
    );
    let merge: MergeState;
    for (;;) {
      const data = await graphqlOk<{ session: { merges: Array<MergeState & { id: string }> } }>(
        server.url,
        'query ($id: ID!) { session(id: $id) { merges { id status sizeBytes error } } }',
        { id: createSession.id },
      );
      merge = data.session.merges.find((m) => m.id === startMerge.id) as MergeState;
      if (merge.status !== 'QUEUED' && merge.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    execFileSync('sync');
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const peak = peakRssBytes(pid);
    if (merge.status !== 'COMPLETED') throw new Error(`merge ${merge.status}: ${merge.error}`);

    const copyStart = process.hrtime.bigint();
    execFileSync('cp', ['-r', inputDir, join(work, `${label}-copy`)]);
    execFileSync('sync');
    const copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9;

    const mbps = bytes / MB / seconds;
    const copyMbps = bytes / MB / copySeconds;
    console.log(
      [
        `[${label}] ${count} packages, ${(bytes / MB).toFixed(0)} MB in, ${((merge.sizeBytes ?? 0) / MB).toFixed(0)} MB out`,
        `  merge:        ${seconds.toFixed(2)} s, ${mbps.toFixed(0)} MB/s`,
        `  cp -r + sync: ${copySeconds.toFixed(2)} s, ${copyMbps.toFixed(0)} MB/s  → cp is ${(copyMbps / mbps).toFixed(1)}× faster (target ≤ 10×)`,
        `  server peak RSS during the merge: ${(peak / MB).toFixed(0)} MB (before it ${(before / MB).toFixed(0)} MB; target < 250 MB)`,
      ].join('\n'),
    );
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'scorm-bench-merge-'));
  try {
    await run('250MB', 10, 25 * MB, work);
    rmSync(join(work, '250MB-input'), { recursive: true, force: true });
    await run('1GB', 40, 25 * MB, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
