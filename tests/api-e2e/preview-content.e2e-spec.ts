/**
 * Preview content (issue 22) against the real server: files read straight from the stored zip with
 * their type, Range requests, query strings kept, HEAD, 404 for every path or id that is not the
 * package's, a merge's content, and launch URLs that survive a restart and never carry the session id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { graphql, graphqlOk } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import {
  createSession,
  manifest2004,
  packagePreview,
  PREVIEW_FIELDS,
  previewPackage,
  rawRequest,
  uploadZips,
  type CoursePreview,
} from '../support/preview-packages';
import { freePort } from '../support/free-port';

jest.setTimeout(120_000);

const LAUNCH_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lesson</title>
<link rel="stylesheet" href="../styles/app.css">
</head>
<body><p>Lesson one</p><script src="../scripts/app.js"></script></body>
</html>
`;
/** Media larger than a "small entry" (512 KiB), so ranges of a deflated one stream and skip. */
const VIDEO = Buffer.from(Array.from({ length: 700 * 1024 }, (_, i) => (i * 7919) % 251));
const AUDIO = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 31) % 256));

const courseZip = previewPackage(
  manifest2004([
    { id: 'lesson', href: 'lesson/index.html', parameters: '?mode=review' },
    { id: 'quiz', href: 'lesson/quiz.html?attempt=1' },
  ]),
  [
    { name: 'lesson/index.html', data: LAUNCH_HTML },
    { name: 'lesson/quiz.html', data: '<p>Quiz without head or html tags</p>' },
    { name: 'lesson/', data: '' },
    { name: 'styles/app.css', data: 'body { color: #222; }' },
    { name: 'scripts/app.js', data: 'window.lessonLoaded = true;' },
    { name: 'media/clip.mp4', data: VIDEO, method: 'deflate' },
    { name: 'media/voice.mp3', data: AUDIO, method: 'store' },
    { name: 'data/notes and more.txt', data: 'spaces in the name' },
  ],
);

let dir: string;
let server: ApiServer;
let sessionId: string;
let packageId: string;
let preview: CoursePreview;
/** `<origin>/preview/packages/<capability>/`, the folder of the package's files. */
let base: string;

let port: number;
/** A fixed port, so the app origin (which content URLs are bound to) is the same after a restart. */
const startServer = () => startApiServer({ dataDir: join(dir, 'data'), env: { PORT: String(port) } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'preview-content-'));
  port = await freePort();
  server = await startServer();
  sessionId = await createSession(server.url);
  [{ id: packageId }] = await uploadZips(server.url, sessionId, [{ name: 'course.zip', data: courseZip }]);
  preview = await packagePreview(server.url, sessionId, packageId);
  base = (preview.items[0].launchUrl ?? '').replace(/lesson\/index\.html\?.*$/, '');
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const path = (relative: string) => new URL(base + relative).pathname;

it('describes the package: version, family, items in order with launch URLs that keep the query', () => {
  expect(preview).toMatchObject({
    title: 'Preview course',
    scormVersion: '2004 4th Edition',
    family: '2004',
    contentOrigin: 'null',
  });
  expect(preview.items.map((item) => [item.id, item.depth, item.scormType])).toEqual([
    ['lesson', 0, 'sco'],
    ['quiz', 0, 'sco'],
  ]);
  expect(preview.items[0].launchUrl).toMatch(
    /^http:\/\/127\.0\.0\.1:\d+\/preview\/packages\/[^/]+\/lesson\/index\.html\?mode=review$/,
  );
  expect(preview.items[1].launchUrl).toMatch(/\/lesson\/quiz\.html\?attempt=1$/);
  expect(JSON.parse(preview.sequencing ?? 'null')).toHaveProperty('activityTree.children');
});

it('never puts the session id in a content URL', () => {
  for (const item of preview.items) expect(item.launchUrl).not.toContain(sessionId);
});

it('serves files from the zip with their type, nosniff, the sandbox and no cookie', async () => {
  const css = await fetch(base + 'styles/app.css');
  expect(css.status).toBe(200);
  expect(css.headers.get('content-type')).toBe('text/css');
  expect(await css.text()).toBe('body { color: #222; }');
  const js = await fetch(base + 'scripts/app.js');
  expect(js.headers.get('content-type')).toBe('text/javascript');
  expect(js.headers.get('x-content-type-options')).toBe('nosniff');
  expect(js.headers.get('content-security-policy')).toBe('sandbox allow-scripts allow-forms allow-popups');
  expect(js.headers.get('set-cookie')).toBeNull();
  expect(js.headers.get('x-frame-options')).toBeNull();
  const spaced = await fetch(base + 'data/notes%20and%20more.txt');
  expect(await spaced.text()).toBe('spaces in the name');
  const video = await fetch(base + 'media/clip.mp4');
  expect(video.headers.get('content-type')).toBe('video/mp4');
  expect(Buffer.from(await video.arrayBuffer()).equals(VIDEO)).toBe(true);
});

it('lets only the app origin that asked frame a launch document; pages it frames itself are sandboxed too', async () => {
  const launch = await fetch(preview.items[0].launchUrl ?? '');
  expect(launch.headers.get('content-security-policy')).toBe(
    `sandbox allow-scripts allow-forms allow-popups; frame-ancestors ${server.url}`,
  );
  expect(launch.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  const other = await fetch(base + 'data/notes%20and%20more.txt');
  expect(other.headers.get('content-security-policy')).toBe('sandbox allow-scripts allow-forms allow-popups');
});

it('keeps the query string of a launch URL and answers the file', async () => {
  const response = await fetch(preview.items[1].launchUrl ?? '');
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('Quiz without head or html tags');
});

it('adds the LMS bridge to HTML at serve time and leaves the rest of the page byte for byte', async () => {
  const page = await (await fetch(preview.items[0].launchUrl ?? '')).text();
  const tag = `<script src="/preview/bridge.js" data-app-origin="${server.url}" data-scorm-family="2004"></script>`;
  expect(page).toBe(LAUNCH_HTML.replace('<head>\n', `<head>${tag}\n`));
  const headless = await (await fetch(preview.items[1].launchUrl ?? '')).text();
  expect(headless).toBe(`${tag}<p>Quiz without head or html tags</p>`);
  const bridge = await fetch(`${server.url}/preview/bridge.js`);
  expect(bridge.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(await bridge.text()).toContain('new CrossFrameAPI(appOrigin, window.top)');
});

it.each([
  ['a middle range of a deflated video', 'media/clip.mp4', VIDEO, 'bytes=600000-650000', 600000, 650000],
  [
    'an open-ended range of a stored audio file',
    'media/voice.mp3',
    AUDIO,
    'bytes=1000-',
    1000,
    AUDIO.length - 1,
  ],
  ['a suffix range', 'media/voice.mp3', AUDIO, 'bytes=-500', AUDIO.length - 500, AUDIO.length - 1],
])('answers %s with 206 and exactly those bytes', async (_name, file, data, range, first, last) => {
  const response = await fetch(base + file, { headers: { range } });
  expect(response.status).toBe(206);
  expect(response.headers.get('accept-ranges')).toBe('bytes');
  expect(response.headers.get('content-range')).toBe(`bytes ${first}-${last}/${data.length}`);
  expect(response.headers.get('content-length')).toBe(String(last - first + 1));
  expect(Buffer.from(await response.arrayBuffer()).equals(data.subarray(first, last + 1))).toBe(true);
});

it('answers 416 for a range past the end', async () => {
  const response = await fetch(base + 'media/voice.mp3', { headers: { range: `bytes=${AUDIO.length}-` } });
  expect(response.status).toBe(416);
  expect(response.headers.get('content-range')).toBe(`bytes */${AUDIO.length}`);
});

it('answers HEAD with the headers of GET and no body', async () => {
  const head = await rawRequest(server.url, path('media/clip.mp4'), { method: 'HEAD' });
  expect(head.status).toBe(200);
  expect(head.headers['content-length']).toBe(String(VIDEO.length));
  expect(head.headers['content-type']).toBe('video/mp4');
  expect(head.body.length).toBe(0);
  const page = await rawRequest(server.url, path('lesson/index.html'), { method: 'HEAD' });
  expect(page.status).toBe(200);
  expect(Number(page.headers['content-length'])).toBeGreaterThan(LAUNCH_HTML.length);
});

it.each([
  ['a climb out of the package', '../../../../imsmanifest.xml'],
  ['an encoded climb', '%2e%2e/%2e%2e/imsmanifest.xml'],
  ['an encoded slash', 'lesson%2F..%2F..%2Fx'],
  ['a backslash climb', '..%5Cimsmanifest.xml'],
  ['an unknown file', 'lesson/missing.html'],
  ['a folder', 'lesson/'],
  ['a double slash', 'lesson//index.html'],
])('answers 404 for %s', async (_name, relative) => {
  const response = await rawRequest(server.url, new URL(base).pathname + relative);
  expect(response.status).toBe(404);
});

it('answers 400 for a path that is not valid percent-encoding', async () => {
  expect((await rawRequest(server.url, new URL(base).pathname + 'lesson/%E0%A4%A.html')).status).toBe(400);
});

it('answers 404 for a bad HMAC, an unknown id, another package id under this HMAC, and an unknown kind', async () => {
  const capability = new URL(base).pathname.split('/')[3];
  const [id, origin, mac] = capability.split('.');
  const otherSession = await createSession(server.url);
  const [{ id: otherPackage }] = await uploadZips(server.url, otherSession, [
    { name: 'other.zip', data: courseZip },
  ]);
  const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
  for (const forged of [
    `/preview/packages/${id}.${origin}.${flipped}/styles/app.css`,
    `/preview/packages/${otherPackage}.${origin}.${mac}/styles/app.css`,
    `/preview/packages/00000000-0000-4000-8000-000000000000.${origin}.${mac}/styles/app.css`,
    `/preview/merges/${id}.${origin}.${mac}/styles/app.css`,
    `/preview/sessions/${id}.${origin}.${mac}/styles/app.css`,
    `/preview/packages/${id}.${origin}/styles/app.css`,
  ]) {
    expect([forged, (await rawRequest(server.url, forged)).status]).toEqual([forged, 404]);
  }
  // And a capability bound to one app origin does not serve another's.
  const otherOrigin = Buffer.from('http://evil.example').toString('base64url');
  expect(
    (await rawRequest(server.url, `/preview/packages/${id}.${otherOrigin}.${mac}/styles/app.css`)).status,
  ).toBe(404);
});

it('refuses to preview an invalid package, an unknown one, and one of another session, with a clear error', async () => {
  const [{ id: invalid }] = await uploadZips(server.url, sessionId, [
    { name: 'broken.zip', data: Buffer.from('not a zip') },
  ]);
  const ask = (session: string, pkg: string) =>
    graphql(
      server.url,
      `
        query ($s: ID!, $p: ID!) {
          packagePreview(sessionId: $s, packageId: $p) {
            title
          }
        }
      `,
      { s: session, p: pkg },
    );
  expect((await ask(sessionId, invalid)).errors?.[0].message).toMatch(
    /cannot be previewed: it is not a valid SCORM package/,
  );
  expect((await ask(sessionId, 'nope')).errors?.[0].extensions?.['code']).toBe('NOT_FOUND');
  const otherSession = await createSession(server.url);
  expect((await ask(otherSession, packageId)).errors?.[0].extensions?.['code']).toBe('NOT_FOUND');
});

it("serves a merged course from its merged zip, every SCO's launch URL included", async () => {
  const session = await createSession(server.url);
  await uploadZips(server.url, session, [
    { name: 'course.zip', data: courseZip },
    {
      name: 'one-two.zip',
      data: buildScorm12Package({ title: 'One two', scos: [{ title: 'One' }, { title: 'Two' }] }),
    },
  ]);
  const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
    server.url,
    'mutation ($s: ID!) { startMerge(sessionId: $s) { id } }',
    { s: session },
  );
  const ask = () =>
    graphql<{ mergePreview: CoursePreview }>(
      server.url,
      `query ($s: ID!, $m: ID!) { mergePreview(sessionId: $s, mergeId: $m) { ${PREVIEW_FIELDS} } }`,
      { s: session, m: startMerge.id },
    );
  let answer = await ask();
  for (let i = 0; i < 100 && answer.errors; i++) {
    expect(answer.errors[0].message).toMatch(/only COMPLETED merges can be previewed/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    answer = await ask();
  }
  const merged = answer.data?.mergePreview as CoursePreview;
  expect(merged.family).toBe('2004');
  expect(merged.sequencing).not.toBeNull();
  const scos = merged.items.filter((item) => item.scormType === 'sco');
  expect(scos.length).toBe(5); // the course menu, lesson, quiz, One, Two
  for (const sco of scos) {
    expect(sco.launchUrl).toContain('/preview/merges/');
    expect(sco.launchUrl).not.toContain(session);
    const response = await fetch(sco.launchUrl ?? '');
    expect([sco.title, response.status]).toEqual([sco.title, 200]);
    expect(await response.text()).toContain('/preview/bridge.js');
  }
  const video = merged.items.find((item) => item.id.endsWith('lesson'))?.launchUrl ?? '';
  const clip = await fetch(video.replace(/lesson\/index\.html\?.*$/, 'media/clip.mp4'), {
    headers: { range: 'bytes=10-19' },
  });
  expect(Buffer.from(await clip.arrayBuffer()).equals(VIDEO.subarray(10, 20))).toBe(true);
});

it("builds a finished merge's outline before its first preview is asked for, and reads it back after a restart", async () => {
  const session = await createSession(server.url);
  await uploadZips(server.url, session, [{ name: 'course.zip', data: courseZip }]);
  const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
    server.url,
    'mutation ($s: ID!) { startMerge(sessionId: $s) { id } }',
    { s: session },
  );
  const built = () =>
    server.logs.some((line) => line.includes('preview outline built') && line.includes(startMerge.id));
  for (let i = 0; i < 100 && !built(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(built()).toBe(true);
  const { mergePreview } = await graphqlOk<{ mergePreview: CoursePreview }>(
    server.url,
    `query ($s: ID!, $m: ID!) { mergePreview(sessionId: $s, mergeId: $m) { ${PREVIEW_FIELDS} } }`,
    { s: session, m: startMerge.id },
  );
  expect(mergePreview.items.length).toBeGreaterThan(1);
  // Built once: the query took the outline prepared when the merge completed.
  const builds = server.logs.filter(
    (line) => line.includes('preview outline built') && line.includes(startMerge.id),
  );
  expect(builds).toHaveLength(1);

  // Saved beside the zip: a restarted server (or another instance) reads it instead of the manifest.
  await server.stop();
  server = await startServer();
  const again = await graphqlOk<{ mergePreview: CoursePreview }>(
    server.url,
    `query ($s: ID!, $m: ID!) { mergePreview(sessionId: $s, mergeId: $m) { ${PREVIEW_FIELDS} } }`,
    { s: session, m: startMerge.id },
  );
  expect(again.mergePreview).toEqual(mergePreview);
  const logged = (what: string) =>
    server.logs.filter((line) => line.includes(what) && line.includes(startMerge.id));
  expect([logged('preview outline read').length, logged('preview outline built').length]).toEqual([1, 0]);
});

it('stops serving a removed package at once', async () => {
  const session = await createSession(server.url);
  const [{ id }] = await uploadZips(server.url, session, [{ name: 'gone.zip', data: courseZip }]);
  const url = (await packagePreview(server.url, session, id)).items[0].launchUrl ?? '';
  expect((await fetch(url)).status).toBe(200);
  await graphqlOk(
    server.url,
    'mutation ($s: ID!, $p: ID!) { removePackage(sessionId: $s, packageId: $p) { id } }',
    {
      s: session,
      p: id,
    },
  );
  expect((await fetch(url)).status).toBe(404);
});

it('keeps working after a restart: the same launch URL serves the same bytes', async () => {
  const before = preview.items[0].launchUrl ?? '';
  const page = await (await fetch(before)).text();
  await server.stop();
  server = await startServer();
  const response = await fetch(before);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe(page);
  const again = await packagePreview(server.url, sessionId, packageId);
  expect(again.items.map((item) => item.launchUrl)).toEqual(preview.items.map((item) => item.launchUrl));
});
