/**
 * Preview isolation (issue 22) in real Chromium against the real server: a hostile package's script,
 * framed by an app page the way the player frames it, cannot read the parent page's address (which
 * holds the session id), the app's localStorage or sessionStorage, or send GraphQL in the app's name;
 * it can still call the LMS API through the bridge, from its page and from a frame inside it.
 * Both ways of serving content: sandboxed on the app's own origin, and from a second host name
 * (`preview.origin`: the app on 127.0.0.1, content on localhost).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  createSession,
  manifest2004,
  packagePreview,
  previewPackage,
  rawRequest,
  uploadZips,
} from '../support/preview-packages';
import { workspaceRoot } from '../support/workspace';
import { launchChromium } from '../web-e2e/browser';
import { startConfiguredServer, type ConfiguredServer } from './configured-server';
import { freePort } from '../support/free-port';

jest.setTimeout(120_000);

/** Everything the content's script tries; each attempt records a value or the error that stopped it. */
const HOSTILE_PAGE = `<!DOCTYPE html>
<html><head><title>Hostile SCO</title></head>
<body>
<p>Hostile</p>
<script>
var report = {};
function attempt(name, read) {
  try { report[name] = { value: String(read()) }; } catch (e) { report[name] = { blocked: e.name }; }
}
attempt('topAddress', function () { return top.location.href; });
attempt('parentAddress', function () { return parent.location.href; });
attempt('parentDocument', function () { return parent.document.documentElement.outerHTML; });
attempt('parentStorage', function () { return parent.localStorage.getItem('app-secret'); });
attempt('referrer', function () { return document.referrer; });
attempt('ownAddress', function () { return location.href; });
attempt('ancestorOrigins', function () { return Array.prototype.join.call(location.ancestorOrigins || [], ' '); });
attempt('windowName', function () { return window.name; });
attempt('localStorage', function () { return localStorage.getItem('app-secret'); });
attempt('sessionStorage', function () { return sessionStorage.getItem('app-secret'); });
attempt('cookie', function () { return document.cookie; });
var api = window.API_1484_11;
attempt('apiInitialize', function () { return api.Initialize(''); });
attempt('apiSetValue', function () { return api.SetValue('cmi.completion_status', 'completed'); });
var appOrigin = (location.ancestorOrigins && location.ancestorOrigins[0]) || '';
var mutation = JSON.stringify({ query: 'mutation { createSession { id } }' });
function post(url, mode) {
  return fetch(url, { method: 'POST', mode: mode, headers: mode === 'no-cors' ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json' }, body: mutation })
    .then(function (r) { return r.type === 'opaque' ? 'opaque' : r.status + ' ' + r.statusText; }, function (e) { return 'failed: ' + e.name; });
}
function socket(url) {
  return new Promise(function (resolve) {
    var ws;
    try { ws = new WebSocket(url, 'graphql-transport-ws'); } catch (e) { return resolve('failed: ' + e.name); }
    ws.onopen = function () { resolve('open'); ws.close(); };
    ws.onerror = function () { resolve('refused'); };
    setTimeout(function () { resolve('timeout'); }, 5000);
  });
}
Promise.all([
  post('/graphql', 'cors'), post('/graphql', 'no-cors'),
  post(appOrigin + '/graphql', 'cors'), post(appOrigin + '/graphql', 'no-cors'),
  socket(appOrigin.replace(/^http/, 'ws') + '/graphql')
]).then(function (results) {
  report.graphql = results;
  var inner = document.createElement('iframe');
  inner.src = 'inner.html';
  document.body.appendChild(inner);
  top.postMessage({ hostileReport: report }, '*');
});
</script>
</body></html>
`;

/** A page framed inside the SCO's page: the bridge must reach the player from there too. */
const INNER_PAGE = `<!DOCTYPE html>
<html><head><title>Inner</title></head><body><script>
var result = {};
try { result.apiSetValue = window.API_1484_11.SetValue('cmi.location', 'inner page'); } catch (e) { result.apiSetValue = e.name; }
try { result.topAddress = top.location.href; } catch (e) { result.topAddress = e.name; }
top.postMessage({ innerReport: result }, '*');
</script></body></html>
`;

const hostileZip = previewPackage(
  manifest2004([{ id: 'hostile', href: 'sco/index.html' }], 'Hostile course'),
  [
    { name: 'sco/index.html', data: HOSTILE_PAGE },
    { name: 'sco/inner.html', data: INNER_PAGE },
  ],
);

const scormAgain = (file: string) =>
  readFileSync(join(workspaceRoot(), 'node_modules', 'scorm-again', 'dist', file), 'utf8');

interface Attempt {
  value?: string;
  blocked?: string;
}
interface Reports {
  outer?: Record<string, Attempt> & { graphql?: string[] };
  inner?: Record<string, string>;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each([
  ['sandboxed on the app origin', false],
  ['served from preview.origin', true],
])('content %s', (_name, separateOrigin) => {
  let server: ConfiguredServer;
  let dataDir: string;
  let appUrl: string;
  let sessionId: string;
  let launchUrl: string;
  let contentOrigin: string;

  beforeAll(async () => {
    const port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'preview-isolation-data-'));
    server = await startConfiguredServer(
      'preview-isolation',
      separateOrigin ? { preview: { origin: `http://localhost:${port}` } } : {},
      { PORT: String(port), DATA_DIR: dataDir },
    );
    appUrl = `http://127.0.0.1:${port}`;
    sessionId = await createSession(appUrl);
    const [{ id }] = await uploadZips(appUrl, sessionId, [{ name: 'hostile.zip', data: hostileZip }]);
    const preview = await packagePreview(appUrl, sessionId, id);
    launchUrl = preview.items[0].launchUrl ?? '';
    contentOrigin = preview.contentOrigin;
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sessions in the server's database, read beside it (WAL lets a reader in while it runs). */
  function sessionCount(): number {
    const db = new Database(join(dataDir, 'scorm-merge.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM "session"').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  it('names where the content comes from', () => {
    const expected = separateOrigin ? `http://localhost:${new URL(appUrl).port}` : 'null';
    expect(contentOrigin).toBe(expected);
    expect(launchUrl.startsWith(separateOrigin ? expected : appUrl)).toBe(true);
    expect(launchUrl).not.toContain(sessionId);
  });

  it("keeps the hostile script away from the app's address, storage and GraphQL, and lets it call the LMS API", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${appUrl}/s/${sessionId}`);
      await page.waitForLoadState('networkidle');
      const logsBefore = server.api.logs.length;
      const sessionsBefore = sessionCount();
      const reports = await playInPlayer(page, launchUrl);
      const outer = reports.outer ?? {};
      const inner = reports.inner ?? {};

      // Nothing the script can read holds the session id.
      expect(JSON.stringify(reports)).not.toContain(sessionId);
      expect(outer['topAddress']).toEqual({ blocked: 'SecurityError' });
      // `parent` is the bridge's stand-in (ADL's API discovery starts there): it has no address, document or
      // storage (TypeError); the real parent, through `top`, throws SecurityError.
      const standInParent = { blocked: expect.stringMatching(/^(SecurityError|TypeError)$/) };
      expect(outer['parentAddress']).toEqual(standInParent);
      expect(outer['parentDocument']).toEqual(standInParent);
      expect(outer['parentStorage']).toEqual(standInParent);
      expect(outer['referrer']).toEqual({ value: '' });
      expect(inner['topAddress']).toBe('SecurityError');

      // The app's storage is not its storage: another origin's (or none, where the browser blocks it).
      for (const store of ['localStorage', 'sessionStorage', 'parentStorage']) {
        expect([store, outer[store]]).not.toEqual([store, { value: 'the app keeps this' }]);
        if (!separateOrigin && store !== 'parentStorage')
          expect([store, outer[store]]).toEqual([store, { blocked: 'SecurityError' }]);
      }
      if (!separateOrigin) expect(outer['cookie']).toEqual({ blocked: 'SecurityError' });

      // GraphQL in the app's name: the script reads no answer, the server refuses every attempt
      // (403 from the origin check, 404 on the content host) and no session is created.
      expect(outer.graphql).toHaveLength(5);
      for (const result of outer.graphql ?? [])
        expect(result).toMatch(/^(failed: TypeError|opaque|refused|404 Not Found)$/);
      expect(outer.graphql?.[4]).toBe('refused');
      const refused = server.api.logs
        .slice(logsBefore)
        .filter((line) => line.includes('"path":"/graphql"'))
        .map((line) => JSON.parse(line).message.status as number);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(refused.every((status) => status === 403 || status === 404)).toBe(true);
      expect(sessionCount()).toBe(sessionsBefore);
      expect(await page.evaluate(() => localStorage.getItem('app-secret'))).toBe('the app keeps this');

      // The bridged LMS API works, from the SCO's page and from a frame inside it.
      expect(outer['apiInitialize']).toEqual({ value: 'true' });
      expect(inner['apiSetValue']).toBe('true');
      await page.waitForFunction(() => {
        const lms = (window as unknown as { lms: { cmi: { completion_status: string; location: string } } })
          .lms;
        return lms.cmi.completion_status === 'completed' && lms.cmi.location === 'inner page';
      });
    } finally {
      await context.close();
    }
  });

  it("serves the app's pages and API only on the app's host, and content only on the content host", async () => {
    const port = new URL(appUrl).port;
    const content = new URL(launchUrl);
    const onAppHost = await rawRequest(appUrl, content.pathname);
    const page = await fetch(`${appUrl}/s/${sessionId}`);
    const csp = page.headers.get('content-security-policy') ?? '';
    if (separateOrigin) {
      expect(onAppHost.status).toBe(404);
      const contentHost = `http://localhost:${port}`;
      expect((await fetch(launchUrl)).status).toBe(200);
      expect((await fetch(`${contentHost}/s/${sessionId}`)).status).toBe(404);
      expect((await fetch(`${contentHost}/graphql`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${contentHost}/`)).status).toBe(404);
      expect(csp).toContain(`frame-src 'self' ${contentHost}`);
      expect((await fetch(launchUrl)).headers.get('content-security-policy')).toBe(
        `frame-ancestors ${appUrl} 'self'`,
      );
    } else {
      expect(onAppHost.status).toBe(200);
      expect(csp).toContain("frame-src 'self'");
    }
  });
});

/**
 * Stands in for the player: the app page runs scorm-again's Scorm2004API behind its CrossFrameLMS,
 * keeps a secret in its storage, frames the launch URL and collects what the frames report.
 */
async function playInPlayer(page: Page, launchUrl: string): Promise<Reports> {
  // page.evaluate runs like devtools, outside the app's CSP: the player will load these as its own scripts.
  await page.evaluate(scormAgain('scorm2004.min.js'));
  await page.evaluate(scormAgain('cross-frame-lms.min.js'));
  await page.evaluate((url) => {
    const win = window as unknown as Record<string, unknown> & {
      Scorm2004API: new (settings: object) => unknown;
      CrossFrameLMS: new (api: unknown, origin: string) => unknown;
    };
    localStorage.setItem('app-secret', 'the app keeps this');
    sessionStorage.setItem('app-secret', 'the app keeps this');
    win['lms'] = new win.Scorm2004API({ logLevel: 5 });
    new win.CrossFrameLMS(win['lms'], '*');
    const reports: Record<string, unknown> = {};
    win['reports'] = reports;
    window.addEventListener('message', (event) => {
      const data = event.data as { hostileReport?: unknown; innerReport?: unknown };
      if (data?.hostileReport) reports['outer'] = data.hostileReport;
      if (data?.innerReport) reports['inner'] = data.innerReport;
    });
    const frame = document.createElement('iframe');
    frame.src = url;
    document.body.appendChild(frame);
  }, launchUrl);
  await page.waitForFunction(
    () => {
      const reports = (window as unknown as { reports: Reports }).reports;
      return Boolean(reports.outer && reports.inner);
    },
    null,
    { timeout: 30_000 },
  );
  return page.evaluate(() => (window as unknown as { reports: Reports }).reports);
}
