/**
 * The web app in real Chromium, against the built server (which serves the built app) and the
 * project's OpenAI-compatible test server, as a new user would use it: upload, sort, describe,
 * edit, merge and download. Steps build on each other, in order.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApiServer, type ApiServer } from '../support/api-server';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import { launchChromium, PageGuard, Screenshots } from './browser';
import { slugOf, uploadFiles } from './packages';
import { zipEntryNames } from './zip-entries';

jest.setTimeout(90_000);

const shots = new Screenshots();
const guard = new PageGuard();
let workDir: string;
let openai: OpenAiTestServer;
let api: ApiServer;
let apiEnv: Record<string, string>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sessionUrl: string;

/** Polls until `check` gives a truthy value; fails with `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const rowTitles = () => page.getByTestId('package-title').allTextContents();
const rowSources = () =>
  page
    .locator('[data-testid="package-row"] .badge[data-source]')
    .evaluateAll((badges) => badges.map((b) => b.getAttribute('data-source')));
const descriptionCount = () => page.getByTestId('description-count').textContent();
const progressStatus = () => page.getByTestId('description-progress').getAttribute('data-status');

async function reloadSession(): Promise<void> {
  await page.reload();
  await page.getByTestId('package-row').first().waitFor();
}

/** Drags a row by its handle with the mouse, as a person would, onto another row's place. */
async function dragRow(from: number, to: number): Promise<void> {
  await page
    .getByTestId('package-row')
    .nth(Math.min(from, to))
    .evaluate((row) => row.scrollIntoView({ block: 'start' }));
  const handle = await page.getByTestId('drag-handle').nth(from).boundingBox();
  const target = await page.getByTestId('package-row').nth(to).boundingBox();
  if (!handle || !target) throw new Error('rows are not visible');
  const x = handle.x + handle.width / 2;
  const y = handle.y + handle.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + (to < from ? -8 : 8), { steps: 4 });
  const targetY = to < from ? target.y + 4 : target.y + target.height - 4;
  await page.mouse.move(x, targetY, { steps: 25 });
  await page.waitForTimeout(250);
  await page.mouse.up();
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'web-e2e-'));
  openai = await startOpenAiTestServer({ latencyMs: 150, streamChunkDelayMs: 120 });
  const configFile = join(workDir, 'config.json');
  // One package at a time, so a run can be cancelled half-way; quick retries.
  writeFileSync(
    configFile,
    JSON.stringify({
      openai: { model: 'gpt-test', timeout: 10_000 },
      descriptions: { concurrency: 1, maxRetries: 1, backoffBaseMs: 50, backoffMaxMs: 200 },
    }),
  );
  apiEnv = { CONFIG_FILE: configFile, OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: openai.url };
  api = await startApiServer({ dataDir: join(workDir, 'data'), env: apiEnv });
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  await guard.watch(context);
  page = await context.newPage();
});

afterEach(() => {
  // Every step: no console error, no uncaught error, no request leaving the machine.
  expect(guard.take()).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await api?.stop();
  await openai?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  if (shots.saved.length)
    process.stdout.write(`\nweb-e2e screenshots:\n${shots.saved.map((p) => `  ${p}`).join('\n')}\n`);
});

describe('SCORM Merge in the browser', () => {
  it('starts a session and uploads 3 packages and 1 broken file: 3 valid, 1 error', async () => {
    await page.goto(api.url);
    await shots.take(page, 'home');
    await page.getByTestId('start-session').click();
    await page.waitForURL(/\/s\/[^/]+$/);
    sessionUrl = page.url();

    const { valid, broken } = uploadFiles();
    await page.locator('#package-files').setInputFiles([...valid, broken]);
    await waitFor(
      '3 valid rows and 1 invalid one',
      async () =>
        (await page.getByTestId('package-row').count()) === 3 &&
        (await page.getByTestId('invalid-row').count()) === 1,
    );
    await waitFor(
      'uploads to finish',
      async () => (await page.locator('.upload-item[data-status="done"]').count()) === 3,
    );
    expect(
      await page.locator('.upload-item[data-status="invalid"], .upload-item[data-status="failed"]').count(),
    ).toBe(1);
    expect((await page.getByTestId('invalid-reason').textContent())?.trim()).toMatch(/\w{3,}/);
    expect(await page.getByTestId('invalid-row').textContent()).toContain('broken-upload.zip');
    // Each row has its facts and a description with a source badge.
    const firstRow = page.getByTestId('package-row').first();
    expect(await firstRow.getByTestId('version').textContent()).toMatch(/SCORM (1\.2|2004)/);
    expect(await firstRow.getByTestId('sco-count').textContent()).toMatch(/\d+ SCOs?/);
    expect(await firstRow.getByTestId('description-text').textContent()).not.toBe('');
    await shots.take(page, 'uploaded');
  });

  it('drags a package to a new place and keeps the order after a reload', async () => {
    const before = await rowTitles();
    await dragRow(2, 0);
    const expected = [before[2], before[0], before[1]];
    await waitFor(
      'the dragged order',
      async () => JSON.stringify(await rowTitles()) === JSON.stringify(expected),
    );
    await shots.take(page, 'dragged');
    // Give the save a moment, then reload: the server has the new order.
    await page.waitForLoadState('networkidle');
    await reloadSession();
    expect(await rowTitles()).toEqual(expected);

    // The keyboard on a row's handle moves it too, and that order is saved as well.
    await page.getByTestId('drag-handle').first().focus();
    await page.keyboard.press('ArrowDown');
    const keyboardOrder = [expected[1], expected[0], expected[2]];
    await waitFor(
      'the keyboard order',
      async () => JSON.stringify(await rowTitles()) === JSON.stringify(keyboardOrder),
    );
    await page.waitForLoadState('networkidle');
    await reloadSession();
    expect(await rowTitles()).toEqual(keyboardOrder);
    await shots.take(page, 'order-after-reload');
  });

  it('generates AI descriptions and shows them as they arrive, without a reload', async () => {
    await page.getByTestId('start-descriptions').click();
    // The text streams in while a description is written…
    await page.locator('.badge--writing').first().waitFor({ timeout: 15_000 });
    await shots.take(page, 'descriptions-streaming');
    // …and the saved AI descriptions replace it, live.
    await waitFor(
      '3 AI descriptions',
      async () =>
        (await rowSources()).every((source) => source === 'AI') && (await rowSources()).length === 3,
      30_000,
    );
    await waitFor('the finished task', async () => (await progressStatus()) === 'COMPLETED');
    expect(await descriptionCount()).toBe('3 of 3');
    const texts = await page.getByTestId('description-text').allTextContents();
    for (const text of texts) expect(text.length).toBeGreaterThan(10);
    expect(openai.stats.succeeded).toBeGreaterThanOrEqual(3);
    await shots.take(page, 'descriptions-done');
  });

  it('restores a running task after a reload, then cancels it half-way', async () => {
    openai.setOptions({ latencyMs: 2500, streamChunkDelayMs: 100 });
    await page.getByTestId('regenerate').locator('input').check();
    await page.getByTestId('start-descriptions').click();
    await waitFor(
      'the second run to finish one package',
      async () => (await descriptionCount()) === '1 of 3',
      20_000,
    );

    // A reload shows the running task where it is, and keeps following it.
    await reloadSession();
    expect(await progressStatus()).toBe('RUNNING');
    expect(await descriptionCount()).toMatch(/^[12] of 3$/);
    await shots.take(page, 'descriptions-running-after-reload');

    await page.getByTestId('cancel-descriptions').click();
    await waitFor('the cancelled task', async () => (await progressStatus()) === 'CANCELLED');
    const cancelledAt = await descriptionCount();
    expect(cancelledAt).not.toBe('3 of 3');
    await shots.take(page, 'descriptions-cancelled');
    // Nothing more is written after the cancel, even after a reload.
    await page.waitForTimeout(3000);
    await reloadSession();
    expect(await progressStatus()).toBe('CANCELLED');
    expect(await descriptionCount()).toBe(cancelledAt);
  });

  it('reconnects after a server restart and catches up without a reload', async () => {
    openai.setOptions({ latencyMs: 1200, streamChunkDelayMs: 50 });
    await page.getByTestId('regenerate').locator('input').check();
    await page.getByTestId('start-descriptions').click();
    await waitFor(
      'the third run to finish one package',
      async () => (await descriptionCount()) === '1 of 3',
      20_000,
    );

    // The server goes away mid-task; the task is resumed when it comes back on the same port.
    await api.stop('SIGTERM');
    await waitFor('the page to notice', async () =>
      (await page.getByTestId('connection').textContent())?.includes('Reconnecting'),
    );
    await shots.take(page, 'reconnecting');
    api = await startApiServer({
      dataDir: join(workDir, 'data'),
      env: { ...apiEnv, PORT: String(api.port) },
    });
    // While the server was down, the browser logs the failed reconnection attempts, and a request that
    // was on its way when the server stopped fails: nothing else may show.
    const whileDown = guard
      .take()
      .filter(
        (problem) =>
          !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/graphql' failed/.test(problem) &&
          problem !== 'console error: Failed to load resource: net::ERR_CONNECTION_REFUSED',
      );
    expect(whileDown).toEqual([]);

    await waitFor(
      'the resumed task to finish, seen live',
      async () => (await progressStatus()) === 'COMPLETED',
      45_000,
    );
    expect(await descriptionCount()).toBe('3 of 3');
    expect(await rowSources()).toEqual(['AI', 'AI', 'AI']);
    expect(await page.getByTestId('connection').textContent()).toContain('Live');
    await shots.take(page, 'caught-up-after-restart');
    // Once it is back, nothing may fail (a reconnection attempt that raced the restart may still be logged).
    expect(
      guard
        .take()
        .filter(
          (problem) => !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/graphql' failed/.test(problem),
        ),
    ).toEqual([]);
    openai.setOptions({ latencyMs: 150, streamChunkDelayMs: 120 });
  });

  it('edits one description inline', async () => {
    const row = page.getByTestId('package-row').nth(1);
    await row.locator('[data-action="edit"]').click();
    const text = 'Hand-written: how to keep score, step by step.';
    await row.getByTestId('description-input').fill(text);
    await row.getByTestId('save-description').click();
    await waitFor(
      'the edited badge',
      async () => (await row.locator('.badge[data-source]').getAttribute('data-source')) === 'MANUAL',
    );
    expect(await row.getByTestId('description-text').textContent()).toBe(text);
    await page.waitForLoadState('networkidle');
    await reloadSession();
    const again = page.getByTestId('package-row').nth(1);
    expect(await again.getByTestId('description-text').textContent()).toBe(text);
    expect(await again.getByTestId('source-badge').textContent()).toContain('Edited');
    await shots.take(page, 'description-edited');
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shots.take(page, 'phone-sort-view');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('merges, downloads the zip and finds the modules in the sorted order', async () => {
    const titles = await rowTitles();
    await page.getByTestId('go-to-merge').click();
    await page.waitForURL(/\/merge$/);
    await page.getByTestId('merge-title').fill('Golf, the whole course');
    await shots.take(page, 'merge-options');
    await page.getByTestId('start-merge').click();
    const download = page.getByTestId('download');
    // The download link, or an error (shown at once rather than after a long wait).
    await page.locator('[data-testid="download"], [role="alert"]').first().waitFor({ timeout: 60_000 });
    const alerts = await page.getByRole('alert').allTextContents();
    expect(alerts).toEqual([]);
    await download.waitFor();
    expect(await page.getByTestId('outline-module').count()).toBe(3);
    await shots.take(page, 'merge-done');

    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const path = await file.path();
    const names = await zipEntryNames(readFileSync(path));
    const folders = [
      ...new Set(names.map((name) => name.split('/')[0]).filter((name) => /^\d{2,}-/.test(name))),
    ].sort();
    expect(folders).toHaveLength(3);
    folders.forEach((folder, index) => {
      expect(folder.startsWith(`${String(index + 1).padStart(2, '0')}-`)).toBe(true);
      expect(folder).toContain(slugOf(titles[index]).slice(0, 20));
    });
    expect(names).toContain('imsmanifest.xml');

    // The merge survives a reload: the download and the outline are still there.
    await page.reload();
    await page.getByTestId('download').waitFor();
    expect(page.url()).toBe(`${sessionUrl}/merge`);

    // Changing the order afterwards marks that merge as outdated.
    await page.getByRole('link', { name: /Upload and sort/ }).click();
    await page.getByTestId('package-row').first().locator('[data-move="down"]').click();
    await page.getByTestId('merge-step-link').click();
    await page.getByTestId('merge-outdated').waitFor();
    await shots.take(page, 'merge-outdated');
  });

  it('shows how long the session and the merged zip are kept, and merges again once the zip expired', async () => {
    const sessionKept = page.getByTestId('session-expires');
    await sessionKept.waitFor();
    expect(await sessionKept.textContent()).toMatch(/Kept until .*\d{4}/);
    expect(await page.getByTestId('merge-expires').textContent()).toMatch(/kept until/);

    // The clock, honestly: with the server stopped, the merge's row says it finished 8 days ago (more than
    // retention.mergeDays); the sweep at boot expires it, and the page hears of it live.
    await api.stop('SIGTERM');
    const db = new Database(join(workDir, 'data', 'scorm-merge.sqlite'));
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '');
    db.prepare(`UPDATE "merge" SET "finishedAt" = ? WHERE "status" = 'COMPLETED'`).run(eightDaysAgo);
    db.close();
    api = await startApiServer({
      dataDir: join(workDir, 'data'),
      env: { ...apiEnv, PORT: String(api.port) },
    });
    await waitFor(
      'the merge to show EXPIRED',
      async () => (await page.getByTestId('merge-result').getAttribute('data-status')) === 'EXPIRED',
      30_000,
    );
    const whileDown = guard
      .take()
      .filter(
        (problem) =>
          !/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/graphql' failed/.test(problem) &&
          problem !== 'console error: Failed to load resource: net::ERR_CONNECTION_REFUSED',
      );
    expect(whileDown).toEqual([]);
    expect(await page.getByTestId('merge-expired').textContent()).toMatch(/deleted .* Merge again/);
    expect(await page.getByTestId('download').count()).toBe(0);
    await shots.take(page, 'merge-expired');

    await page.getByTestId('merge-again-expired').click();
    await page.getByTestId('download').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('merge-result').getAttribute('data-status')).toBe('COMPLETED');
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
  });
});
