// A minimal LMS for the play test: a local HTTP server that serves a merged package, scorm-again
// (the SCORM 1.2 or 2004 run-time the package's version calls for) and one LMS page that launches
// a SCO in a frame and records every API call. Chromium (playwright-core) drives it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { openZipArchive } from '@scorm-merge/scorm';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';

const SCORM_AGAIN_DIST = join(dirname(require.resolve('scorm-again/package.json')), 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.xml': 'application/xml',
  '.xsd': 'application/xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
};

const lmsPage = (family: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="/scorm-again/${family === '1.2' ? 'scorm12' : 'scorm2004'}.min.js"></script>
</head><body>
<iframe id="content" title="SCO" style="width:100%;height:90vh;border:0"></iframe>
<script>
  var query = new URLSearchParams(location.search);
  window.calls = [];
  function record(api, names) {
    names.forEach(function (name) {
      var original = api[name].bind(api);
      api[name] = function () {
        var result = original.apply(null, arguments);
        window.calls.push({ fn: name, args: Array.prototype.slice.call(arguments).map(String), result: String(result) });
        return result;
      };
    });
  }
  // Only the API the package's version calls for: a 2004 course gets no window.API.
  if (query.get('family') === '1.2') {
    window.API = new Scorm12API({ logLevel: 5 });
    record(window.API, ['LMSInitialize', 'LMSFinish', 'LMSSetValue', 'LMSCommit']);
  } else {
    window.API_1484_11 = new Scorm2004API({ logLevel: 5 });
    record(window.API_1484_11, ['Initialize', 'Terminate', 'SetValue', 'Commit']);
  }
  document.getElementById('content').src = query.get('launch');
</script>
</body></html>`;

export interface LmsCall {
  fn: string;
  args: string[];
  result: string;
}

export interface LaunchableSco {
  itemId: string;
  title: string;
  /** Launch URL relative to the package root (href + item parameters). */
  launch: string;
}

/** Serves extracted packages under /pkg/<name>/, scorm-again under /scorm-again/, and /lms.html. */
export class LmsServer {
  private server: Server | null = null;
  private readonly root = mkdtempSync(join(tmpdir(), 'scorm-play-'));
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const path = decodeURIComponent(url.pathname);
      let file: string | null = null;
      if (path === '/lms.html') {
        response.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] });
        response.end(lmsPage(url.searchParams.get('family') ?? '2004'));
        return;
      }
      if (path.startsWith('/scorm-again/'))
        file = safeJoin(SCORM_AGAIN_DIST, path.slice('/scorm-again/'.length));
      if (path.startsWith('/pkg/')) file = safeJoin(this.root, path.slice('/pkg/'.length));
      try {
        if (!file) throw new Error('not found');
        const body = readFileSync(file);
        response.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'cache-control': 'max-age=600',
        });
        response.end(body);
      } catch {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('Not found');
      }
    });
    await new Promise<void>((resolveListen) => this.server?.listen(0, '127.0.0.1', resolveListen));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Extracts a merged zip (random access, entry by entry) so it can be served under /pkg/<name>/. */
  async addPackage(name: string, zipPath: string): Promise<void> {
    const archive = await openZipArchive(zipPath, { maxEntries: 100_000 });
    try {
      for (const entry of archive.entries) {
        if (entry.isDirectory) continue;
        const target = safeJoin(join(this.root, name), entry.name);
        if (!target) throw new Error(`Unsafe entry name: ${entry.name}`);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, await archive.readEntry(entry, 256 * 1024 * 1024));
      }
    } finally {
      await archive.close();
    }
  }

  manifest(name: string): string {
    return readFileSync(join(this.root, name, 'imsmanifest.xml'), 'utf8');
  }

  lmsUrl(family: '1.2' | '2004', packageName: string, launch: string): string {
    return `${this.baseUrl}/lms.html?family=${family}&launch=${encodeURIComponent(`/pkg/${packageName}/${launch}`)}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolveClose) =>
      this.server ? this.server.close(() => resolveClose()) : resolveClose(),
    );
    rmSync(this.root, { recursive: true, force: true });
  }
}

function safeJoin(root: string, relative: string): string | null {
  const full = resolve(root, normalize(relative).replace(/^([/\\])+/, ''));
  return full.startsWith(resolve(root) + sep) ? full : null;
}

/** Every item that launches a SCO, with the URL an LMS would launch (href + parameters). */
export function launchableScos(manifestXml: string): LaunchableSco[] {
  const document = new DOMParser().parseFromString(manifestXml, 'text/xml');
  const resources = new Map<string, Element>();
  const all = document.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const el = all[i];
    if (el.localName === 'resource') resources.set(el.getAttribute('identifier') ?? '', el);
  }
  const scos: LaunchableSco[] = [];
  for (let i = 0; i < all.length; i++) {
    const item = all[i];
    if (item.localName !== 'item' || !item.getAttribute('identifierref')) continue;
    const resource = resources.get(item.getAttribute('identifierref') as string);
    const type =
      resource?.getAttributeNS('http://www.adlnet.org/xsd/adlcp_v1p3', 'scormType') ||
      resource?.getAttributeNS('http://www.adlnet.org/xsd/adlcp_rootv1p2', 'scormtype');
    if (!resource || type !== 'sco') continue;
    const title = Array.from({ length: item.childNodes.length }, (_, n) => item.childNodes[n]).find(
      (node) => (node as Element).localName === 'title',
    );
    scos.push({
      itemId: item.getAttribute('identifier') ?? '',
      title: title?.textContent ?? '',
      launch: withParameters(resource.getAttribute('href') ?? '', item.getAttribute('parameters') ?? ''),
    });
  }
  return scos;
}

/** IMS CP rule for joining item parameters to a launch href. */
function withParameters(href: string, parameters: string): string {
  const params = parameters.trim().replace(/^[?&]/, '');
  if (!params) return href;
  if (parameters.trim().startsWith('#')) return href + parameters.trim();
  return href + (href.includes('?') ? '&' : '?') + params;
}

export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'scorm-play-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  // Offline: anything not served by the local LMS fails at once instead of hanging.
  await context.route(/^(?!http:\/\/127\.0\.0\.1[:/]|about:|data:)/, (route) => route.abort());
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function lmsCalls(page: Page): Promise<LmsCall[]> {
  return page.evaluate(() => (window as unknown as { calls: LmsCall[] }).calls);
}

/** Waits until the LMS recorded a successful call of `fn`. */
export async function waitForCall(page: Page, fn: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (name) =>
      (window as unknown as { calls: LmsCall[] }).calls.some(
        (call) => call.fn === name && call.result === 'true',
      ),
    fn,
    { timeout, polling: 50 },
  );
}

/** Unloads the SCO the way an LMS does when the learner moves on: the frame navigates away. */
export async function unloadSco(page: Page): Promise<void> {
  await page.evaluate(() => {
    (document.getElementById('content') as HTMLIFrameElement).src = 'about:blank';
  });
}
