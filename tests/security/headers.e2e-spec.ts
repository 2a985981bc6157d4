/**
 * Security headers (point 6 of issue 20), against the real server and in real Chromium: a strict CSP
 * (per-request nonce, no inline or eval script) under which the app runs with no violation, nosniff,
 * no framing by other sites, no Referer (the session address is the credential), no X-Powered-By.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { graphqlOk } from '../support/api-client';
import { launchChromium, PageGuard } from '../web-e2e/browser';
import { startConfiguredServer, type ConfiguredServer } from './configured-server';

jest.setTimeout(60_000);

let server: ConfiguredServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  server = await startConfiguredServer('headers', {});
  url = server.api.url;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server.stop();
});

/** The CSP's directives by name. */
function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

it('sends a strict CSP with a fresh nonce, and the page carries exactly that nonce', async () => {
  const first = await fetch(`${url}/s/some-session`);
  const second = await fetch(`${url}/s/some-session`);
  const csp = directives(first.headers.get('content-security-policy'));
  const scriptSrc = csp.get('script-src') ?? [];
  const nonce = scriptSrc.find((value) => value.startsWith("'nonce-"))?.slice(7, -1);
  expect(nonce).toBeTruthy();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(csp.get('style-src')).not.toContain("'unsafe-inline'");
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  const html = await first.text();
  const nonces = [...html.matchAll(/nonce="([^"]*)"|ngCspNonce="([^"]*)"/gi)].map(
    (match) => match[1] ?? match[2],
  );
  expect(nonces.length).toBeGreaterThanOrEqual(3);
  expect(new Set(nonces)).toEqual(new Set([nonce]));
  expect(second.headers.get('content-security-policy')).not.toContain(nonce);
  expect(first.headers.get('cache-control')).toBe('no-store');
  console.log(`CSP of the app: ${first.headers.get('content-security-policy')}`);
});

it.each([
  ['the app page', '/'],
  ['a static file', '/favicon.svg'],
  ['GraphQL', '/graphql?query=%7B__typename%7D'],
  ['the REST API', '/api/sessions/unknown/merges/unknown/download'],
  ['health', '/health'],
])('sends nosniff, no-referrer, DENY framing and no X-Powered-By on %s', async (_name, path) => {
  const response = await fetch(`${url}${path}`, { headers: { 'apollo-require-preflight': 'true' } });
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-powered-by')).toBeNull();
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
});

describe('in Chromium', () => {
  let context: BrowserContext;
  const guard = new PageGuard();

  beforeEach(async () => {
    context = await browser.newContext();
    await guard.watch(context);
  });
  afterEach(async () => {
    await context.close();
  });

  it('runs the app with no CSP violation and sends no Referer from a session page', async () => {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      url,
      'mutation { createSession { id } }',
    );
    const page = await context.newPage();
    const referers: string[] = [];
    page.on('request', (request) => {
      const referer = request.headers()['referer'];
      if (referer) referers.push(`${request.url()} <- ${referer}`);
    });
    await page.goto(url);
    await page.getByRole('button', { name: /start a new merge/i }).waitFor();
    await page.goto(`${url}/s/${createSession.id}`);
    await page.locator('input[type=file]').waitFor({ state: 'attached' });
    // Styles arrive late: the critical CSS loader must have switched the full stylesheet on.
    await page.waitForFunction(() =>
      Array.from(document.styleSheets).some(
        (sheet) => sheet.href?.includes('styles-') && sheet.media.mediaText !== 'print',
      ),
    );
    expect(guard.take()).toEqual([]);
    expect(referers).toEqual([]);
    console.log(`app ran under the CSP with 0 violations; requests carrying a Referer: ${referers.length}`);
  });

  it('cannot be framed by another site', async () => {
    const framer: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><iframe id="app" src="${url}/"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    try {
      const page = await context.newPage();
      await page.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
      await page.waitForTimeout(1000);
      const child = page.frames().find((frame) => frame !== page.mainFrame());
      const framedContent = await child
        ?.evaluate(() => document.querySelector('sm-root') !== null)
        .catch(() => false);
      expect(framedContent).toBeFalsy();
      console.log(`framing by another origin blocked (frame ended at ${child?.url()})`);
    } finally {
      guard.take(); // the browser logs the refused frame; that is the defence working
      await new Promise((resolve) => framer.close(resolve));
    }
  });
});
