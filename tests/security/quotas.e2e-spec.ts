import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, graphqlOk } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import {
  createSession,
  KIB,
  MIB,
  type PackageEntry,
  sendMultipart,
  sessionPackages,
  uploadedFiles,
  validPackageOfSize,
  writeConfig,
} from './storage-test-kit';

const OUT_OF_STORAGE = 'The server is out of storage space.';

/**
 * Sends a multipart upload whose Content-Length announces `declaredBytes`, as fast as the server takes
 * it, and stops at the answer. Returns the status line and how many body bytes the socket had accepted
 * by then: an upper bound of what the server read (the kernel's buffers hold part of it).
 */
function announceLargeUpload(
  url: string,
  sessionId: string,
  declaredBytes: number,
): Promise<{ statusLine: string; body: string; bodyBytesSent: number }> {
  const { hostname, port } = new URL(url);
  const boundary = 'quota-boundary';
  const head =
    `POST /api/sessions/${sessionId}/packages HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${declaredBytes}\r\n\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.zip"\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunk = Buffer.alloc(MIB, 1);
    let answer = '';
    let sent = 0;
    let answered = false;
    const finish = () => {
      if (answered) return;
      answered = true;
      const bodyBytesSent = Math.max(0, socket.bytesWritten - Buffer.byteLength(head));
      const [statusLine] = answer.split('\r\n');
      resolve({ statusLine, body: answer.slice(answer.indexOf('\r\n\r\n') + 4), bodyBytesSent });
      socket.destroy();
    };
    socket.on('data', (data: Buffer) => {
      answer += data.toString('utf8');
      if (answer.includes('\r\n\r\n') && /\}\s*$/.test(answer)) finish();
    });
    socket.on('close', finish);
    // The server closing mid-body is the expected outcome, not a failure of the test.
    socket.on('error', () => finish());
    socket.on('connect', () => {
      socket.write(head);
      const pump = () => {
        while (!answered && sent < declaredBytes) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    setTimeout(() => reject(new Error(`no answer; got ${JSON.stringify(answer)}`)), 30_000).unref();
  });
}

describe('quotas: per-file and per-session upload limits, the free-space floor', () => {
  let work: string;
  let server: ApiServer | null = null;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'security-quotas-'));
  });

  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('answers a 250 MB upload 413 from its Content-Length, before reading the body or writing a byte', async () => {
    const dataDir = join(work, 'per-file');
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: '' } });
    const sessionId = await createSession(server.url);

    const started = Date.now();
    const answer = await announceLargeUpload(server.url, sessionId, 250 * MIB);
    const ms = Date.now() - started;

    expect(answer.statusLine).toMatch(/^HTTP\/1\.1 413 /);
    expect(JSON.parse(answer.body).message).toMatch(/250 MB, more than the 200 MB limit per package/);
    expect(uploadedFiles(dataDir, sessionId)).toEqual([]);
    // Only what the sockets buffer on the way, never the body.
    expect(answer.bodyBytesSent).toBeLessThan(32 * MIB);
    expect(await sessionPackages(server.url, sessionId)).toEqual([]);
    console.log(
      `250 MB upload refused 413 in ${ms} ms after at most ${(answer.bodyBytesSent / MIB).toFixed(1)} MB ` +
        `left the client (socket buffers included), 0 bytes written`,
    );
  });

  it('holds a session to upload.maxSessionBytes: 413 from Content-Length, a per-file error when chunked', async () => {
    const dataDir = join(work, 'per-session');
    const config = writeConfig(join(work, 'session-quota.json'), {
      upload: { maxFileBytes: 400 * KIB, maxSessionBytes: 500 * KIB },
    });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    const sessionId = await createSession(server.url);

    const first = await sendMultipart(
      server.url,
      sessionId,
      [{ name: 'first.zip', data: validPackageOfSize('First', 300 * KIB) }],
      { chunked: false },
    );
    expect(first.status).toBe(201);
    expect((first.body as PackageEntry[])[0].error).toBeNull();

    const second = validPackageOfSize('Second', 300 * KIB);
    const declared = await sendMultipart(server.url, sessionId, [{ name: 'second.zip', data: second }], {
      chunked: false,
    });
    expect(declared.status).toBe(413);
    expect((declared.body as { message: string }).message).toMatch(
      /this session can take only \d+ KB more \(at most 500 KB per session\)/,
    );
    console.log(`session quota, Content-Length: 413 "${(declared.body as { message: string }).message}"`);

    const chunked = await sendMultipart(server.url, sessionId, [{ name: 'second.zip', data: second }], {
      chunked: true,
    });
    expect(chunked.status).toBe(201);
    const [entry] = chunked.body as PackageEntry[];
    expect(entry.error).toMatch(/Not added: the session would hold more than its 500 KB limit/);
    expect(entry.position).toBe(-1);
    console.log(`session quota, chunked: per-file error "${entry.error}"`);

    // Nothing of the refused file was kept: one package, one file.
    const packages = (await sessionPackages(server.url, sessionId)) ?? [];
    expect(packages.map((p) => p.filename)).toEqual(['first.zip']);
    expect(uploadedFiles(dataDir, sessionId)).toHaveLength(1);

    // Removing a package makes room again.
    await graphqlOk(
      server.url,
      'mutation ($s: ID!, $p: ID!) { removePackage(sessionId: $s, packageId: $p) { id } }',
      {
        s: sessionId,
        p: packages[0].id,
      },
    );
    const again = await sendMultipart(server.url, sessionId, [{ name: 'second.zip', data: second }], {
      chunked: true,
    });
    expect(again.status).toBe(201);
    expect((again.body as PackageEntry[])[0].error).toBeNull();
  });

  it('keeps the per-file refusal for chunked bodies, which carry no Content-Length', async () => {
    const dataDir = join(work, 'chunked-file');
    const config = writeConfig(join(work, 'file-limit.json'), { upload: { maxFileBytes: 64 * KIB } });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });
    const sessionId = await createSession(server.url);
    const answer = await sendMultipart(
      server.url,
      sessionId,
      [
        { name: 'small.zip', data: validPackageOfSize('Small', 8 * KIB) },
        { name: 'big.zip', data: validPackageOfSize('Big', 128 * KIB) },
      ],
      { chunked: true },
    );
    expect(answer.status).toBe(201);
    const [small, big] = answer.body as PackageEntry[];
    expect(small.error).toBeNull();
    expect(big.error).toMatch(/larger than the 64 KB limit per package/);
    expect(uploadedFiles(dataDir, sessionId)).toHaveLength(1);
  });

  it('refuses uploads (507) and merges below storage.minFreeBytes, while reads, downloads and deletes work', async () => {
    const dataDir = join(work, 'floor');
    const first = await startApiServer({ dataDir, env: { CONFIG_FILE: '' } });
    server = first;
    const sessionId = await createSession(server.url);
    const upload = await sendMultipart(
      server.url,
      sessionId,
      [
        { name: 'one.zip', data: validPackageOfSize('One', 4 * KIB) },
        { name: 'two.zip', data: validPackageOfSize('Two', 4 * KIB) },
      ],
      { chunked: false },
    );
    expect(upload.status).toBe(201);
    const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
      server.url,
      'mutation ($s: ID!) { startMerge(sessionId: $s) { id } }',
      { s: sessionId },
    );
    await waitFor(async () => {
      const data = await graphqlOk<{ session: { merges: Array<{ status: string }> } }>(
        first.url,
        'query ($id: ID!) { session(id: $id) { merges { status } } }',
        { id: sessionId },
      );
      return data.session.merges[0]?.status === 'COMPLETED';
    });
    await server.stop();

    // The same data, now with a floor above any disk's free space.
    const config = writeConfig(join(work, 'floor.json'), { storage: { minFreeBytes: 2 ** 60 } });
    server = await startApiServer({ dataDir, env: { CONFIG_FILE: config } });

    const refused = await sendMultipart(
      server.url,
      sessionId,
      [{ name: 'three.zip', data: validPackageOfSize('Three', 4 * KIB) }],
      { chunked: false },
    );
    expect(refused.status).toBe(507);
    expect((refused.body as { message: string }).message).toBe(OUT_OF_STORAGE);
    const chunkedRefused = await sendMultipart(
      server.url,
      sessionId,
      [{ name: 'three.zip', data: validPackageOfSize('Three', 4 * KIB) }],
      { chunked: true },
    );
    expect(chunkedRefused.status).toBe(507);

    const merge = await graphql(server.url, 'mutation ($s: ID!) { startMerge(sessionId: $s) { id } }', {
      s: sessionId,
    });
    expect(merge.errors?.[0]?.message).toBe(OUT_OF_STORAGE);

    // Reads, downloads and deletes keep working.
    const packages = (await sessionPackages(server.url, sessionId)) ?? [];
    expect(packages).toHaveLength(2);
    const download = await fetch(`${server.url}/api/sessions/${sessionId}/merges/${startMerge.id}/download`);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await graphqlOk(
      server.url,
      'mutation ($s: ID!, $p: ID!) { removePackage(sessionId: $s, packageId: $p) { id } }',
      {
        s: sessionId,
        p: packages[0].id,
      },
    );
    expect(await sessionPackages(server.url, sessionId)).toHaveLength(1);
    console.log(
      `below the free-space floor: upload 507 "${OUT_OF_STORAGE}", startMerge refused; read, download, delete ok`,
    );
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
