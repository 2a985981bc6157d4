/**
 * The preview player in real Chromium against the built server: a merged course of the shared corpus
 * played under scorm-again's sequencing engine (course menu, a 1.2 SCO through the merge's adapter, a 2004
 * SCO, Continue, a refused choice in the forced-sequential golf module), the Preview buttons, a preview
 * after a server restart, and the time to the first SCO of a 100-package merged course.
 */
import {
  buildScorm12Package,
  buildScorm2004Package,
  removeTempFiles,
  writeFixtureFiles,
} from '@scorm-merge/scorm/testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { corpusDir } from '../support/workspace';
import { launchChromium, PageGuard, Screenshots } from './browser';

jest.setTimeout(240_000);

const corpus = corpusDir();
/**
 * The 2004 forced-order golf course of the corpus. Its SCOs (like ADL's discovery code) look for the API
 * from their parent window, a cross-origin window in the sandbox: the bridge gives them a stand-in parent.
 */
const GOLF_FORCED = 'golf-seq-forcedsequential-2004-3rd.zip';

const shots = new Screenshots('web-e2e-preview');
const guard = new PageGuard();
let workDir: string;
let api: ApiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Polls until `check` gives a truthy value; fails with `what` after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createSession(): Promise<string> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    api.url,
    'mutation { createSession { id } }',
  );
  return createSession.id;
}

/** Starts a merge through GraphQL and waits for it to finish; returns its id. */
async function mergeSession(sessionId: string, timeoutMs = 180_000): Promise<string> {
  const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
    api.url,
    'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
    { id: sessionId },
  );
  const merge = await waitFor(
    'the merge to finish',
    async () => {
      const data = await graphqlOk<{
        session: { merges: Array<{ id: string; status: string; error: string }> };
      }>(api.url, 'query ($id: ID!) { session(id: $id) { merges { id status error } } }', { id: sessionId });
      const found = data.session.merges.find((m) => m.id === startMerge.id);
      return found && found.status !== 'QUEUED' && found.status !== 'RUNNING' ? found : null;
    },
    timeoutMs,
  );
  if (merge.status !== 'COMPLETED') throw new Error(`merge ${merge.status}: ${merge.error}`);
  return merge.id;
}

const content = (): FrameLocator => page.frameLocator('[data-testid="content-frame"]');
const currentItemId = () => page.getByTestId('content-frame').getAttribute('data-item-id');
const outlineItem = (title: string) => page.getByTestId('outline-item').filter({ hasText: title }).first();
const statusOf = (title: string) => outlineItem(title).getAttribute('data-status');
/** An item of the forced-order golf module, the last module (the 1.2 course has items of the same titles). */
const golfItem = (title: string) => page.getByTestId('outline-item').filter({ hasText: title }).last();
const logText = () => page.getByTestId('api-log').locator('tbody').innerText();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'web-e2e-preview-'));
  api = await startApiServer({ dataDir: join(workDir, 'data') });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
  await guard.watch(context);
  page = await context.newPage();
});

afterEach(() => {
  // Every step: no console error, no uncaught error, no request leaving the machine.
  expect(guard.take()).toEqual([]);
});

afterAll(async () => {
  removeTempFiles();
  await context?.close();
  await browser?.close();
  await api?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  if (shots.saved.length)
    process.stdout.write(`\npreview e2e screenshots:\n${shots.saved.map((p) => `  ${p}`).join('\n')}\n`);
});

if (!corpus) {
  process.stdout.write(
    '\npreview e2e: ../shared/fixtures/scorm not found, so the corpus course is skipped\n',
  );
}

(corpus ? describe : describe.skip)('previewing a merged course of the corpus', () => {
  let sessionId: string;
  let previewPath: string;
  let menuItemId: string | null;

  it('offers Preview on each valid package, not on an invalid one, and on the completed merge', async () => {
    sessionId = await createSession();
    const broken = join(workDir, 'broken-upload.zip');
    writeFileSync(broken, 'this is plain text, not a zip archive\n');
    const fixtures = writeFixtureFiles();
    const upload = await uploadPackages(api.url, sessionId, [
      { name: 'plain12.zip', path: fixtures.simple12 },
      { name: 'plain2004.zip', path: fixtures.simple2004 },
      { name: GOLF_FORCED, path: join(corpus as string, GOLF_FORCED) },
      { name: 'broken-upload.zip', path: broken },
    ]);
    expect(upload.status).toBe(201);

    await page.goto(`${api.url}/s/${sessionId}`);
    await page.getByTestId('package-row').nth(2).waitFor();
    expect(await page.locator('[data-testid="package-row"] [data-action="preview"]').count()).toBe(3);
    await page.getByTestId('invalid-row').waitFor();
    expect(await page.locator('[data-testid="invalid-row"] [data-action="preview"]').count()).toBe(0);
    await shots.take(page, 'sort-view-preview-buttons');

    await page.goto(`${api.url}/s/${sessionId}/merge`);
    await page.getByTestId('start-merge').click();
    await page.getByTestId('preview-merge').waitFor({ timeout: 60_000 });
    await page.getByTestId('preview-merge').click();
    await page.waitForURL(/\/preview\/merges\/[^/]+$/);
    previewPath = new URL(page.url()).pathname;
  });

  it('starts on the course menu', async () => {
    await content().locator('button[data-target]').first().waitFor();
    menuItemId = await currentItemId();
    const first = await page.getByTestId('outline-item').first().getAttribute('data-item-id');
    expect(menuItemId).toBe(first);
    expect(await content().locator('button[data-target]').count()).toBe(3);
    // The menu initializes and marks itself completed through the bridge.
    await waitFor(
      'the menu to be completed',
      async () => (await statusOf(await outlineTitle(0))) === 'completed',
    );
    await shots.take(page, 'player-course-menu');
  });

  it('opens a module chosen from the menu (a {target=…}choice, then Terminate)', async () => {
    await content().locator('button[data-target]').first().click();
    await waitFor(
      'a lesson of the 1.2 module',
      async () => (await page.getByTestId('current-item').innerText()) === 'Page A',
    );
    const log = await logText();
    expect(log).toMatch(/SetValue\s+adl\.nav\.request\s+\{target=[^}]+\}choice\s+true\s+0/);
    expect(log).toMatch(/Terminate\s+true\s+0/);
  });

  it('tracks a SCORM 1.2 SCO through the merge’s adapter: its status shows live, its calls in the log', async () => {
    await waitFor('Page A to be completed', async () => (await statusOf('Page A')) === 'completed');
    // The adapter turns the SCO's 1.2 calls into 2004 ones.
    expect(await logText()).toMatch(/SetValue\s+cmi\.completion_status\s+completed\s+true\s+0/);
    await shots.take(page, 'player-12-sco-completed');
  });

  it('completes a SCORM 2004 SCO chosen from the outline, leaving the open one', async () => {
    await outlineItem('Page C').locator('button').click();
    await waitFor('Page C', async () => (await page.getByTestId('current-item').innerText()) === 'Page C');
    await waitFor('Page C to be completed', async () => (await statusOf('Page C')) === 'completed');
    const log = await logText();
    // Page A finished while it unloaded (or the player ended its session), then Page C started.
    expect(log).toMatch(
      /Terminate\s+true\s+0[\s\S]*Initialize\s+true\s+0[\s\S]*SetValue\s+cmi\.completion_status\s+completed\s+true\s+0/,
    );
    expect(['completed', 'passed']).toContain(await statusOf('Page A'));
    await shots.take(page, 'player-2004-sco-completed');
  });

  it('Continue walks to the next SCO, whose own API discovery finds the bridge', async () => {
    const initialized = async () => ((await logText()).match(/Initialize\s+true\s+0/g) ?? []).length;
    const before = await initialized();
    await page.getByTestId('nav-continue').click();
    await waitFor(
      'the golf module’s first lesson',
      async () => (await page.getByTestId('current-item').innerText()) === 'Playing the Game',
    );
    expect(await page.getByTestId('player-message').innerText()).toBe('');
    // The golf SCO searches from window.parent (ADL's discovery code) and still initializes.
    await waitFor('the golf SCO to initialize', async () => (await initialized()) > before);
  });

  it('refuses a choice out of order in the forced-sequential golf module with a clear message', async () => {
    const before = await currentItemId();
    await golfItem('Having Fun').locator('button').click();
    await waitFor('the refusal', async () =>
      /not available/.test(await page.getByTestId('player-message').innerText()),
    );
    expect(await page.getByTestId('player-message').innerText()).toMatch(
      /^Having Fun is not available yet: .{10,}/,
    );
    expect(await currentItemId()).toBe(before);
    await shots.take(page, 'player-choice-refused');
  });

  it('filters the log and copies it as text', async () => {
    await page.getByTestId('log-filter').fill('cmi.completion_status');
    const elements = await page.getByTestId('log-element').allInnerTexts();
    expect(elements.length).toBeGreaterThan(0);
    expect(elements.every((element) => element === 'cmi.completion_status')).toBe(true);
    await page.getByTestId('log-copy').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.split('\n')[0]).toBe('#\ttime\tcaller\titem\tcall\tvalue\treturn\terror');
    expect(copied).toContain('SetValue("cmi.completion_status")\tcompleted\ttrue\t0');
    await page.getByTestId('log-filter').fill('');
  });

  it('still previews after a server restart', async () => {
    await api.stop();
    api = await startApiServer({ dataDir: join(workDir, 'data') });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    await page.goto(`${api.url}${previewPath}`);
    await content().locator('button[data-target]').first().waitFor();
    expect(await currentItemId()).toBe(menuItemId);
    await shots.take(page, 'player-after-restart');
  });

  async function outlineTitle(index: number): Promise<string> {
    return page.getByTestId('outline-title').nth(index).innerText();
  }
});

describe('time to the first SCO of a 100-package merged course', () => {
  it('measures it on 100 generated one-SCO packages (printed, not asserted)', async () => {
    const files = Array.from({ length: 100 }, (_, index) => {
      const title = `Generated module ${index + 1}`;
      const data = index % 2 ? buildScorm2004Package({ title }) : buildScorm12Package({ title });
      return { name: `module-${String(index + 1).padStart(3, '0')}.zip`, data };
    });
    await measureFirstSco('100 generated packages', files, 'player-100-packages');
  });

  it('measures it on 100 packages of the corpus, about 600 SCOs (printed, not asserted)', async () => {
    if (!corpus) {
      process.stdout.write('\nskipped: ../shared/fixtures/scorm is absent, no corpus course to measure\n');
      return;
    }
    const names = readdirSync(corpus)
      .filter((name) => name.endsWith('.zip'))
      .sort();
    const files = Array.from({ length: 100 }, (_, index) => ({
      name: `${String(index + 1).padStart(3, '0')}-${names[index % names.length]}`,
      data: readFileSync(join(corpus, names[index % names.length])),
    }));
    await measureFirstSco('100 corpus packages', files, 'player-100-corpus-packages');
  });

  async function measureFirstSco(
    label: string,
    files: Array<{ name: string; data: Buffer }>,
    screenshot: string,
  ): Promise<void> {
    const sessionId = await createSession();
    for (let start = 0; start < files.length; start += 25) {
      const upload = await uploadPackages(api.url, sessionId, files.slice(start, start + 25));
      expect(upload.status).toBe(201);
    }
    const mergeId = await mergeSession(sessionId);
    const url = () => `${api.url}/s/${sessionId}/preview/merges/${mergeId}`;
    // A fresh page for each course (the guard watches every page of the context).
    await page.close();
    page = await context.newPage();

    // Notes when the content frame last finished loading (its SCO), on the page's clock.
    await page.addInitScript(() => {
      document.addEventListener(
        'load',
        (event) => {
          const target = event.target as HTMLElement;
          if (target.tagName === 'IFRAME')
            target.setAttribute('data-loaded-at', String(Math.round(performance.now())));
        },
        true,
      );
    });
    const lines: string[] = [];
    for (const visit of ['first visit', 'reload', 'after a server restart']) {
      if (visit === 'after a server restart') {
        // A new process on a new port: nothing in its memory, nothing of it in the browser's cache.
        await api.stop();
        api = await startApiServer({ dataDir: join(workDir, 'data') });
      }
      const started = Date.now();
      if (visit === 'reload') await page.reload();
      else await page.goto(url());
      await content().locator('body *').first().waitFor({ timeout: 30_000 });
      // Playwright polls at up to 500 ms intervals, so the page's own clock gives the time it was shown.
      const shownAfter = Date.now() - started;
      // Where the time went, from the page's own clock (ms since navigation start).
      const timing = await page.evaluate(() => {
        const graphql = performance
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('/graphql'))
          .map(
            (entry) =>
              `${Math.round(entry.startTime)}–${Math.round((entry as PerformanceResourceTiming).responseEnd)}`,
          );
        const frame = document.querySelector('iframe') as HTMLIFrameElement;
        const loaded = frame.getAttribute('data-loaded-at');
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const mark = (name: string) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? NaN);
        return {
          domReady: Math.round(nav.domContentLoadedEventEnd),
          graphql,
          answered: mark('scorm-merge:preview-answered'),
          started: mark('scorm-merge:preview-started'),
          frameDocument: performance
            .getEntriesByType('resource')
            .filter((entry) => (entry as PerformanceResourceTiming).initiatorType === 'iframe')
            .map(
              (entry) =>
                `${Math.round(entry.startTime)}–${Math.round((entry as PerformanceResourceTiming).responseEnd)}`,
            ),
          frameLoaded: loaded,
        };
      });
      lines.push(
        `${visit}: SCO frame loaded ${timing.frameLoaded} ms after navigation start (app ready at ${timing.domReady} ms, GraphQL asked–answered ${timing.graphql.join(', ')} ms, player started ${timing.answered}–${timing.started} ms, SCO document requested–received ${timing.frameDocument.join(', ')} ms; Playwright's polling saw it at ${shownAfter} ms)`,
      );
    }
    const items = await page.getByTestId('outline-item').count();
    expect(items).toBeGreaterThan(100);
    await shots.take(page, screenshot);
    process.stdout.write(
      `\npreview: first SCO of a merged course of ${label} (${items} outline items)\n  ${lines.join('\n  ')}\n`,
    );
  }
});
