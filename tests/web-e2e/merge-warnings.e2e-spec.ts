/** The merge step in real Chromium shows what a merge adapted or left out. */
import {
  buildScorm12PrerequisitePackage,
  PREREQUISITE_SHAPES,
  removeTempFiles,
  writeFixtureFiles,
  writeTempFile,
} from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { launchChromium, PageGuard, Screenshots } from './browser';

jest.setTimeout(60_000);

describe('merge warnings in the browser', () => {
  const shots = new Screenshots();
  const guard = new PageGuard();
  let work: string;
  let api: ApiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'web-e2e-warnings-'));
    api = await startApiServer({ dataDir: join(work, 'data') });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await guard.watch(context);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    removeTempFiles();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the 1.2 prerequisites a 2004 course cannot express on the merge step', async () => {
    const fixtures = writeFixtureFiles();
    // Every prerequisite shape: one, `&` and `|` convert; `~`, sets and the rest are left out with a warning.
    const shapes = writeTempFile(
      buildScorm12PrerequisitePackage('Prerequisite shapes', PREREQUISITE_SHAPES),
      'prerequisite-shapes.zip',
    );
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      api.url,
      'mutation { createSession { id } }',
    );
    const upload = await uploadPackages(
      api.url,
      createSession.id,
      [shapes, fixtures.simple2004].map((path) => ({ name: basename(path), path })),
    );
    expect(upload.status).toBe(201);

    await page.goto(`${api.url}/s/${createSession.id}/merge`);
    await page.getByTestId('start-merge').click();
    await page.getByTestId('download').waitFor();
    const warnings = page.getByTestId('merge-warnings');
    await warnings.waitFor();
    expect(await warnings.textContent()).toMatch(
      /the item "negated" has SCORM 1\.2 prerequisites \("~intro"\) that the merge cannot turn into SCORM 2004 sequencing/,
    );
    expect(await warnings.getByRole('heading').textContent()).toMatch(/things? to know about this course/);
    await shots.take(page, 'merge-warnings');

    // The warnings are the merge's own: after a reload they are still there.
    await page.reload();
    await page.getByTestId('merge-warnings').waitFor();
    expect(guard.take()).toEqual([]);
  });
});
