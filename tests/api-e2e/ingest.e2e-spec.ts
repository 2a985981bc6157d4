import { buildScorm12Package, buildScorm2004Package, buildZip } from '@scorm-merge/scorm/testing';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { graphql, graphqlOk, SESSION_FIELDS, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { corpusDir, workspaceRoot } from '../support/workspace';

interface PackageView {
  id: string;
  filename: string;
  title: string;
  position: number;
  sizeBytes: number;
  scormVersion: string | null;
  scoCount: number;
  description: string;
  descriptionSource: string;
  error: string | null;
  warnings: string[];
}
interface SessionView {
  id: string;
  createdAt: string;
  packages: PackageView[];
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE manifest [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<manifest identifier="x"><organizations><organization identifier="o"><title>&lol3;</title></organization></organizations><resources/></manifest>`;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

async function session(server: ApiServer, id: string): Promise<SessionView | null> {
  const data = await graphqlOk<{ session: SessionView | null }>(
    server.url,
    `query ($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`,
    { id },
  );
  return data.session;
}

describe('ingest through the real server process', () => {
  let work: string;
  let dataDir: string;
  let server: ApiServer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-e2e-ingest-'));
    dataDir = join(work, 'data');
    server = await startApiServer({ dataDir });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers /health, serves the web app at / and an offline explorer at /explorer', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });

    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<sm-root');
    const deepLink = await fetch(`${server.url}/s/some-session`);
    expect(await deepLink.text()).toContain('<sm-root');
    // Link checkers and `curl -I` ask with HEAD: the same page, without its body.
    const head = await fetch(`${server.url}/s/some-session`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('text/html');

    const explorer = await fetch(`${server.url}/explorer`);
    const html = await explorer.text();
    expect(explorer.status).toBe(200);
    // Its options (subscriptions over graphql-ws) come from a script of its own, not inline.
    expect(await (await fetch(`${server.url}/explorer/init.js`)).text()).toContain('graphql-ws');
    // Every script and stylesheet the explorer loads comes from this server.
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const response = await fetch(new URL(asset, `${server.url}/explorer/`));
      expect(response.status).toBe(200);
    }
  });

  it('runs the database checkpoints in a worker thread, out of the request path', () => {
    expect(server.logs.some((line) => line.includes('WAL checkpoints run in a worker thread'))).toBe(true);
    expect(server.logs.filter((line) => /WAL checkpoint worker/.test(line))).toEqual([]);
  });

  it('serves exactly the committed schema.gql', async () => {
    const { data } = await graphql<IntrospectionQuery>(server.url, getIntrospectionQuery());
    const served = printSchema(lexicographicSortSchema(buildClientSchema(data as IntrospectionQuery)));
    const file = readFileSync(join(workspaceRoot(), 'apps', 'api', 'schema.gql'), 'utf8');
    expect(served).toBe(printSchema(lexicographicSortSchema(buildSchema(file))));
  });

  it('uploads, reorders and removes; a SIGKILL and restart lose nothing', async () => {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    expect(createSession.id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const files = [
      { name: 'safety-basics.zip', data: buildScorm12Package({ title: 'Safety Basics' }) },
      { name: 'not-a-zip.zip', data: Buffer.from('this is plain text, not a zip archive') },
      { name: 'fire-drill.zip', data: buildScorm2004Package({ title: 'Fire Drill' }) },
      {
        name: 'slip.zip',
        data: buildZip([
          { name: 'imsmanifest.xml', data: '<manifest/>' },
          { name: '../../escaped.txt', data: 'owned' },
        ]),
      },
      { name: 'laughs.zip', data: buildZip([{ name: 'imsmanifest.xml', data: BILLION_LAUGHS }]) },
      { name: 'empty.zip', data: Buffer.alloc(0) },
      { name: 'first-aid.zip', data: buildScorm12Package({ title: 'First Aid' }) },
    ];
    const upload = await uploadPackages(server.url, createSession.id, files);
    expect(upload.status).toBe(201);
    const entries = upload.body as PackageView[];
    expect(entries.map((e) => e.filename)).toEqual(files.map((f) => f.name));
    expect(entries.map((e) => e.error === null)).toEqual([true, false, true, false, false, false, true]);
    for (const entry of entries.filter((e) => e.error)) expect(entry.error).toMatch(/\w{3,}/);
    expect(entries[0]).toMatchObject({ title: 'Safety Basics', scormVersion: '1.2', position: 0 });
    expect(entries[0].scoCount).toBeGreaterThan(0);
    expect(entries[0].description.length).toBeGreaterThan(20);
    expect(entries[2].scormVersion).toMatch(/^2004/);
    expect(entries.map((e) => e.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(existsSync(join(work, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(dataDir, 'escaped.txt'))).toBe(false);

    const reordered = await graphqlOk<{ reorderPackages: SessionView }>(
      server.url,
      `mutation ($id: ID!, $ids: [ID!]!) { reorderPackages(sessionId: $id, packageIds: $ids) { ${SESSION_FIELDS} } }`,
      { id: createSession.id, ids: [entries[6].id, entries[2].id, entries[0].id] },
    );
    expect(reordered.reorderPackages.packages.slice(0, 3).map((p) => p.title)).toEqual([
      'First Aid',
      'Fire Drill',
      'Safety Basics',
    ]);

    const removed = await graphqlOk<{ removePackage: SessionView }>(
      server.url,
      `mutation ($id: ID!, $pkg: ID!) { removePackage(sessionId: $id, packageId: $pkg) { ${SESSION_FIELDS} } }`,
      { id: createSession.id, pkg: entries[1].id },
    );
    expect(removed.removePackage.packages).toHaveLength(6);
    expect(removed.removePackage.packages.map((p) => p.position)).toEqual([0, 1, 2, 3, 4, 5]);

    const before = await session(server, createSession.id);
    // Only the three valid zips are kept on disk, all inside DATA_DIR/uploads/<session>/.
    const stored = listFiles(join(dataDir, 'uploads'));
    expect(stored.sort()).toEqual(
      [entries[0].id, entries[2].id, entries[6].id].map((id) => `${createSession.id}/${id}.zip`).sort(),
    );

    await server.stop('SIGKILL');
    // What a kill mid-upload leaves: a file no package row names (and a half-written one from older versions).
    const folder = join(dataDir, 'uploads', createSession.id);
    writeFileSync(join(folder, 'killed-mid-upload.zip'), 'half a zip');
    writeFileSync(join(folder, 'older-version.part'), 'half a zip');
    server = await startApiServer({ dataDir });
    expect(await session(server, createSession.id)).toEqual(before);
    expect(listFiles(join(dataDir, 'uploads')).sort()).toEqual(stored.sort());
  });

  it('removing a package deletes its stored zip and keeps the others', async () => {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const upload = await uploadPackages(server.url, createSession.id, [
      { name: 'keep.zip', data: buildScorm12Package({ title: 'Keep' }) },
      { name: 'drop.zip', data: buildScorm2004Package({ title: 'Drop' }) },
    ]);
    const [keep, drop] = upload.body as PackageView[];
    const folder = join(dataDir, 'uploads', createSession.id);
    expect(readdirSync(folder).sort()).toEqual([`${drop.id}.zip`, `${keep.id}.zip`].sort());

    const removed = await graphqlOk<{ removePackage: SessionView }>(
      server.url,
      `mutation ($id: ID!, $pkg: ID!) { removePackage(sessionId: $id, packageId: $pkg) { ${SESSION_FIELDS} } }`,
      { id: createSession.id, pkg: drop.id },
    );
    expect(removed.removePackage.packages.map((p) => p.title)).toEqual(['Keep']);
    // Gone by the time the mutation answers, not some time later.
    expect(readdirSync(folder)).toEqual([`${keep.id}.zip`]);
  });

  it('gives clear request-level errors and per-file errors without side effects', async () => {
    const unknown = await uploadPackages(server.url, 'AAAAAAAAAAAAAAAAAAAAAA', [
      { name: 'a.zip', data: buildScorm12Package({ title: 'A' }) },
    ]);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ message: expect.stringContaining('not found') });

    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const none = await uploadPackages(server.url, createSession.id, []);
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ message: expect.stringContaining('No files') });

    const notMultipart = await fetch(`${server.url}/api/sessions/${createSession.id}/packages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(notMultipart.status).toBe(400);
    expect(await notMultipart.json()).toMatchObject({ message: expect.stringContaining('multipart') });

    expect(await session(server, 'no-such-session')).toBeNull();
    const bad = await graphql(
      server.url,
      'mutation ($id: ID!) { reorderPackages(sessionId: $id, packageIds: ["nope"]) { id } }',
      { id: createSession.id },
    );
    expect(bad.errors?.[0].message).toMatch(/Not packages of session/);
    const gone = await graphql(
      server.url,
      'mutation { removePackage(sessionId: "AAAAAAAAAAAAAAAAAAAAAA", packageId: "x") { id } }',
    );
    expect(gone.errors?.[0].message).toMatch(/not found/);
  });

  it('answers malformed multipart bodies with a clear error and keeps only the files that arrived whole', async () => {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const url = `${server.url}/api/sessions/${createSession.id}/packages`;
    const post = async (contentType: string, body: Buffer) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(body),
      });
      return { status: response.status, body: (await response.json()) as { message: string } };
    };
    const boundary = 'e2e-boundary';
    const part = (filename: string, data: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\n\r\n`,
        ),
        data,
        Buffer.from('\r\n'),
      ]);

    const noBoundary = await post('multipart/form-data', part('a.zip', Buffer.from('x')));
    expect(noBoundary).toMatchObject({ status: 400, body: { message: expect.stringMatching(/boundary/) } });

    // A whole first file, then a second one cut off before the closing boundary.
    const whole = buildScorm12Package({ title: 'Arrived whole' });
    const cut = await post(
      `multipart/form-data; boundary=${boundary}`,
      Buffer.concat([part('Сертификат.zip', whole), part('cut.zip', whole).subarray(0, 400)]),
    );
    expect(cut).toMatchObject({
      status: 400,
      body: {
        message: expect.stringMatching(/Malformed multipart request: .*ended before the last boundary/),
      },
    });

    const manyParts = Buffer.concat([
      ...Array.from({ length: 1001 }, (_, i) =>
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`),
      ),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const tooMany = await post(`multipart/form-data; boundary=${boundary}`, manyParts);
    expect(tooMany).toMatchObject({
      status: 413,
      body: { message: expect.stringMatching(/Too many parts/) },
    });

    const kept = (await session(server, createSession.id))?.packages ?? [];
    expect(kept.map((p) => ({ filename: p.filename, title: p.title, error: p.error }))).toEqual([
      { filename: 'Сертификат.zip', title: 'Arrived whole', error: null },
    ]);
    expect(listFiles(join(dataDir, 'uploads', createSession.id))).toEqual([`${kept[0].id}.zip`]);
  });

  it('answers an upload with compacted positions when a package is removed while it runs', async () => {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const first = await uploadPackages(server.url, createSession.id, [
      { name: 'a.zip', data: buildScorm12Package({ title: 'A' }) },
      { name: 'b.zip', data: buildScorm12Package({ title: 'B' }) },
    ]);
    const [a] = first.body as PackageView[];

    const boundary = 'slow-boundary';
    const request = httpRequest(`${server.url}/api/sessions/${createSession.id}/packages`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    const answer = new Promise<PackageView[]>((resolve, reject) => {
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as PackageView[]));
      });
      request.on('error', reject);
    });
    for (const title of ['C', 'D']) {
      request.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${title}.zip"\r\n\r\n`,
      );
      request.write(buildScorm12Package({ title }));
      request.write('\r\n');
    }
    // Both files are in; the request is still open when A goes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await graphqlOk(
      server.url,
      'mutation ($s: ID!, $p: ID!) { removePackage(sessionId: $s, packageId: $p) { id } }',
      { s: createSession.id, p: a.id },
    );
    request.end(`--${boundary}--\r\n`);

    expect((await answer).map((p) => [p.title, p.position])).toEqual([
      ['C', 1],
      ['D', 2],
    ]);
    expect((await session(server, createSession.id))?.packages.map((p) => [p.title, p.position])).toEqual([
      ['B', 0],
      ['C', 1],
      ['D', 2],
    ]);
  });

  it('enforces the per-session package limit and the per-file size limit from CONFIG_FILE', async () => {
    const configFile = join(work, 'small-limits.json');
    writeFileSync(
      configFile,
      JSON.stringify({ upload: { maxPackagesPerSession: 3, maxFileBytes: 64 * 1024 } }),
    );
    const limited = await startApiServer({
      dataDir: join(work, 'limited'),
      env: { CONFIG_FILE: configFile },
    });
    try {
      const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
        limited.url,
        'mutation { createSession { id } }',
      );
      const big = Buffer.concat([buildScorm12Package({ title: 'Big' }), Buffer.alloc(128 * 1024)]);
      // Its Content-Length alone is over the limit: refused before a byte is read (chunked bodies get a
      // per-file error instead, see tests/security/quotas).
      const tooBig = await uploadPackages(limited.url, createSession.id, [{ name: 'big.zip', data: big }]);
      expect(tooBig.status).toBe(413);
      expect((tooBig.body as { message: string }).message).toMatch(/more than the 64 KB limit per package/);
      const files = [
        { name: 'one.zip', data: buildScorm12Package({ title: 'One' }) },
        { name: 'two.zip', data: buildScorm12Package({ title: 'Two' }) },
        { name: 'three.zip', data: buildScorm12Package({ title: 'Three' }) },
        { name: 'four.zip', data: buildScorm12Package({ title: 'Four' }) },
      ];
      const { status, body } = await uploadPackages(limited.url, createSession.id, files);
      expect(status).toBe(201);
      const entries = body as PackageView[];
      expect(entries).toHaveLength(4);
      expect(entries[3].error).toMatch(/at most 3 packages/);
      expect((await session(limited, createSession.id))?.packages).toHaveLength(3);
    } finally {
      await limited.stop();
    }
  });

  it('forgets an upload the client breaks off: no file, no package, no lost slot, the server keeps serving', async () => {
    const configFile = join(work, 'two-packages.json');
    writeFileSync(configFile, JSON.stringify({ upload: { maxPackagesPerSession: 2 } }));
    const limitedData = join(work, 'aborted');
    const limited = await startApiServer({ dataDir: limitedData, env: { CONFIG_FILE: configFile } });
    try {
      const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
        limited.url,
        'mutation { createSession { id } }',
      );
      const boundary = 'abort-boundary';
      const request = httpRequest(`${limited.url}/api/sessions/${createSession.id}/packages`, {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': 50 * 1024 * 1024,
        },
      });
      request.on('error', () => undefined);
      request.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="half.zip"\r\n\r\n`,
      );
      request.write(Buffer.alloc(2 * 1024 * 1024, 7));
      await new Promise((resolve) => setTimeout(resolve, 500));
      request.destroy();
      await new Promise((resolve) => setTimeout(resolve, 500));

      const sessionDir = join(limitedData, 'uploads', createSession.id);
      expect(existsSync(sessionDir) ? listFiles(sessionDir) : []).toEqual([]);
      const { status, body } = await uploadPackages(limited.url, createSession.id, [
        { name: 'one.zip', data: buildScorm12Package({ title: 'One' }) },
        { name: 'two.zip', data: buildScorm12Package({ title: 'Two' }) },
      ]);
      expect(status).toBe(201);
      expect((body as PackageView[]).map((p) => p.error)).toEqual([null, null]);
      expect((await session(limited, createSession.id))?.packages.map((p) => p.title)).toEqual([
        'One',
        'Two',
      ]);
    } finally {
      await limited.stop();
    }
  });

  const corpus = corpusDir();
  // The real packages are not ours to ship; a user's fresh clone has none.
  (corpus ? it : it.skip)('ingests every package of the shared corpus', async () => {
    const dir = corpus as string;
    const names = readdirSync(dir)
      .filter((name) => name.endsWith('.zip'))
      .sort();
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const { status, body } = await uploadPackages(
      server.url,
      createSession.id,
      names.map((name) => ({ name, path: join(dir, name) })),
    );
    expect(status).toBe(201);
    const entries = body as PackageView[];
    const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
    for (const entry of entries) {
      expect(entry.error).toBeNull();
      const row = sources.split('\n').find((line) => line.startsWith(`| ${entry.filename} `)) as string;
      const scoItems = Number(/\((\d+)\) \|/.exec(row)?.[1]);
      expect({ name: entry.filename, scoCount: entry.scoCount }).toEqual({
        name: entry.filename,
        scoCount: scoItems,
      });
    }
  });
});

if (!corpusDir()) {
  console.warn('../shared/fixtures/scorm not found: the corpus ingest case is skipped.');
}
