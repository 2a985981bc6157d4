import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { loadPreviewSecret, PREVIEW_SECRET_FILE } from './preview-secret';

describe('the preview secret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'preview-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the configured one when set, and refuses one too short to be a key', () => {
    expect(loadPreviewSecret('a configured secret of some length', dir).toString()).toBe(
      'a configured secret of some length',
    );
    expect(() => loadPreviewSecret('short', dir)).toThrow(/at least 16 bytes/);
  });

  it('is created once in DATA_DIR and read back by every later start', async () => {
    const first = loadPreviewSecret('', dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadPreviewSecret('', dir).equals(first)).toBe(true);
    expect(readFileSync(join(dir, PREVIEW_SECRET_FILE), 'utf8')).toBe(first.toString());
    expect(await readdir(dir)).toEqual([PREVIEW_SECRET_FILE]);
  });

  it('is the same for instances starting at once: one wins, the others read its key', async () => {
    // The module as plain JavaScript, so each worker (an instance starting) loads it in milliseconds.
    const source = transpileModule(readFileSync(join(__dirname, 'preview-secret.ts'), 'utf8'), {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 },
    }).outputText;
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const module = { exports: {} };
      new Function('module', 'exports', 'require', workerData.source)(module, module.exports, require);
      parentPort.postMessage(module.exports.loadPreviewSecret('', workerData.dir).toString());`;
    const keys = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<string>((resolve, reject) => {
            const worker = new Worker(script, { eval: true, workerData: { dir, source } });
            worker.once('message', (key: string) => {
              resolve(key);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
    expect(new Set(keys).size).toBe(1);
    expect(await readdir(dir)).toEqual([PREVIEW_SECRET_FILE]);
  }, 30_000);

  it('refuses a secret file that holds no usable key rather than use it', () => {
    writeFileSync(join(dir, PREVIEW_SECRET_FILE), 'x');
    expect(() => loadPreviewSecret('', dir)).toThrow(/no usable preview secret/);
  });
});
