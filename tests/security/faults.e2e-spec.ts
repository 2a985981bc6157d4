import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import {
  createSession,
  KIB,
  MIB,
  type PackageEntry,
  sendMultipart,
  validPackageOfSize,
  writeConfig,
} from './storage-test-kit';

const OUT_OF_STORAGE = 'The server is out of storage space.';
const FILESYSTEM_BYTES = 24 * MIB;

interface Health {
  status: string;
  database: string;
  storage: string;
}

async function health(url: string): Promise<{ code: number; body: Health }> {
  const response = await fetch(`${url}/health`);
  return { code: response.status, body: (await response.json()) as Health };
}

/** Writes a file until the filesystem is full, or until only `leaveBytes` are free. */
function fill(path: string, leaveBytes = 0): void {
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(64 * KIB, 1);
  try {
    for (;;) {
      const { bavail, bsize } = statfsSync(path);
      const free = bavail * bsize;
      if (free <= leaveBytes) return;
      writeSync(fd, chunk, 0, Math.min(chunk.length, free - leaveBytes));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

/** Mounts a small tmpfs of its own for DATA_DIR; null (and a message) where mounting is not possible. */
function mountSmallFilesystem(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${FILESYSTEM_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch (error) {
    console.log(
      `SKIPPED the full-disk tests: cannot mount a tmpfs here (needs root): ${String((error as Error).message).trim()}`,
    );
    return false;
  }
}

describe('faults: a full disk is reported honestly', () => {
  let work: string;
  const mounted: string[] = [];
  let server: ApiServer | null = null;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'security-faults-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  afterAll(() => {
    for (const dir of mounted) execFileSync('umount', [dir]);
    rmSync(work, { recursive: true, force: true });
  });

  it('/health is 503 "degraded" below storage.minFreeBytes, and uploads are refused 507', async () => {
    const dataDir = join(work, 'floor');
    if (!mountSmallFilesystem(dataDir)) return;
    mounted.push(dataDir);
    const config = writeConfig(join(work, 'floor.json'), { storage: { minFreeBytes: 8 * MIB } });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    const sessionId = await createSession(server.url);

    const healthy = await health(server.url);
    expect(healthy.code).toBe(200);
    expect(healthy.body).toMatchObject({ status: 'ok', database: 'ok', storage: 'ok' });

    fill(join(dataDir, 'filler.bin'), 4 * MIB);
    // Free space is measured at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const degraded = await health(server.url);
    expect(degraded.code).toBe(503);
    expect(degraded.body.status).toBe('degraded');
    expect(degraded.body.database).toBe('ok');
    expect(degraded.body.storage).toMatch(/MB free, below the 8 MB floor/);
    console.log(`below the floor: /health ${degraded.code} ${JSON.stringify(degraded.body)}`);

    const upload = await sendMultipart(
      server.url,
      sessionId,
      [{ name: 'a.zip', data: validPackageOfSize('A', 4 * KIB) }],
      { chunked: false },
    );
    expect(upload.status).toBe(507);
    expect((upload.body as { message: string }).message).toBe(OUT_OF_STORAGE);

    rmSync(join(dataDir, 'filler.bin'));
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await health(server.url)).code).toBe(200);
  });

  it('a full disk: clear upload and mutation errors, /health names the database fault, and it recovers', async () => {
    const dataDir = join(work, 'full');
    if (!mountSmallFilesystem(dataDir)) return;
    mounted.push(dataDir);
    // No floor: the writes themselves must hit the full disk.
    const config = writeConfig(join(work, 'full.json'), { storage: { minFreeBytes: 0 } });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    const sessionId = await createSession(server.url);
    fill(join(dataDir, 'filler.bin'));

    // A chunked upload announces no size, so it reaches the disk and fails there.
    const upload = await sendMultipart(
      server.url,
      sessionId,
      [{ name: 'a.zip', data: validPackageOfSize('A', 256 * KIB) }],
      { chunked: true },
    );
    expect(upload.status).toBe(201);
    const [entry] = upload.body as PackageEntry[];
    expect(entry.error).toBe(OUT_OF_STORAGE);
    console.log(`upload on a full disk: per-file error "${entry.error}"`);

    // SQLite reuses its WAL until a checkpoint needs the main file to grow: write until that happens.
    let failure: { message: string; code?: unknown } | null = null;
    let writes = 0;
    while (!failure && writes < 2000) {
      const result = await graphql(server.url, 'mutation { createSession { id } }');
      writes += 1;
      if (result.errors?.length)
        failure = { message: result.errors[0].message, code: result.errors[0].extensions?.['code'] };
    }
    expect(failure).not.toBeNull();
    expect(failure?.message).toBe(OUT_OF_STORAGE);
    expect(JSON.stringify(failure)).not.toMatch(/Sqlite|SQLITE|disk is full|QueryFailed/);
    console.log(
      `mutation on a full disk (after ${writes} writes): "${failure?.message}" (${String(failure?.code)})`,
    );

    await new Promise((resolve) => setTimeout(resolve, 1600));
    const degraded = await health(server.url);
    expect(degraded.code).toBe(503);
    expect(degraded.body).toMatchObject({ status: 'degraded', database: 'cannot write: the disk is full' });
    console.log(`full disk: /health ${degraded.code} ${JSON.stringify(degraded.body)}`);

    // Room again: the same server writes again.
    rmSync(join(dataDir, 'filler.bin'));
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await health(server.url)).body.status).toBe('ok');
    const recovered = await graphql(server.url, 'mutation { createSession { id } }');
    expect(recovered.errors).toBeUndefined();
  });
});
