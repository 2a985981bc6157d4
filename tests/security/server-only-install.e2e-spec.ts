import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { workspaceRoot } from '../support/workspace';

/** What a browser build needs and a server never does. */
const BROWSER_TOOLCHAIN =
  /^node_modules\/(@angular\/|@angular-devkit\/|@schematics\/|@nx\/|nx$|vite$|vitest$|esbuild$|sass|webpack|playwright|jest$|@apollo\/client$|apollo-angular$|material-symbols$|jsdom$)/;

interface LockEntry {
  dev?: boolean;
}

/** The packages `npm ci --omit=dev` installs: every lock entry not marked dev. */
function productionPackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev)
    .map(([path]) => path);
}

describe('a server-only install (npm ci --omit=dev after a build)', () => {
  const root = workspaceRoot();
  let work: string;
  let server: ApiServer | undefined;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'scorm-server-only-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('carries no browser toolchain', () => {
    const production = productionPackages(root);
    expect(production.length).toBeGreaterThan(50);
    expect(production.filter((path) => BROWSER_TOOLCHAIN.test(path))).toEqual([]);
  });

  it('runs the built server with only those packages: health, upload and GraphQL work', async () => {
    // The built server and web app, beside a node_modules holding only the production packages. With
    // --preserve-symlinks, a package's own requires resolve there too, never in the full tree.
    cpSync(join(root, 'dist', 'apps', 'api'), join(work, 'dist', 'apps', 'api'), { recursive: true });
    cpSync(join(root, 'dist', 'apps', 'web'), join(work, 'dist', 'apps', 'web'), { recursive: true });
    for (const path of productionPackages(root).filter((p) => !p.includes('/node_modules/', 1))) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      symlinkSync(join(root, path), join(work, path), 'dir');
    }
    server = await startApiServer({
      dataDir: join(work, 'data'),
      main: join(work, 'dist', 'apps', 'api', 'main.js'),
      nodeFlags: ['--preserve-symlinks'],
    });

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const upload = await uploadPackages(server.url, createSession.id, [
      { name: 'course.zip', data: buildScorm12Package({ title: 'Server only' }) },
    ]);
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject([{ title: 'Server only', error: null }]);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<sm-root');
  });
});
