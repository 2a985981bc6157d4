import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackagesOptions } from '../packages-options';
import { MergeStorage } from './merge-storage';

describe('merge storage', () => {
  let dataDir: string;
  let storage: MergeStorage;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'merge-storage-'));
    storage = new MergeStorage({ dataDir } as PackagesOptions);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("removes a merged zip with the files derived from it, and leaves the session's other merges", async () => {
    const relative = storage.relativePath('session_1', 'merge-a');
    const zip = await storage.prepare(relative);
    writeFileSync(zip, 'PK');
    writeFileSync(storage.companionPath(relative, 'preview.json'), '{}');
    const other = await storage.prepare(storage.relativePath('session_1', 'merge-b'));
    writeFileSync(other, 'PK');

    await storage.remove(relative);

    expect(readdirSync(join(dataDir, 'merges', 'session_1'))).toEqual(['merge-b.zip']);
    expect(existsSync(other)).toBe(true);
  });

  it('keeps derived files beside their zip, and refuses a path outside the merges folder', () => {
    const relative = storage.relativePath('session_1', 'merge-a');
    expect(storage.companionPath(relative, 'preview.json')).toBe(
      join(dataDir, 'merges', 'session_1', 'merge-a.zip.preview.json'),
    );
    expect(storage.companionPath(storage.absolutePath(relative), 'preview.json')).toBe(
      join(dataDir, 'merges', 'session_1', 'merge-a.zip.preview.json'),
    );
    expect(() => storage.companionPath('../outside.zip', 'preview.json')).toThrow(/outside merges/);
  });
});
