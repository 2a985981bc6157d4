import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackagesOptions } from '../packages-options';
import { PackageStorage } from './package-storage';

describe('PackageStorage.removeOrphans', () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('removes every upload no package refers to and keeps the rest', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scorm-merge-storage-'));
    const storage = new PackageStorage({ dataDir } as PackagesOptions);
    const kept = [storage.relativePath('sessionA', 'one'), storage.relativePath('sessionB', 'two')];
    for (const folder of ['sessionA', 'sessionB']) mkdirSync(join(storage.root, folder), { recursive: true });
    for (const path of kept) writeFileSync(storage.absolutePath(path), 'zip');
    writeFileSync(join(storage.root, 'sessionA', 'killed.zip'), 'half');
    writeFileSync(join(storage.root, 'sessionB', 'older.part'), 'half');

    expect(await storage.removeOrphans(new Set(kept))).toBe(2);
    expect(readdirSync(join(storage.root, 'sessionA'))).toEqual(['one.zip']);
    expect(readdirSync(join(storage.root, 'sessionB'))).toEqual(['two.zip']);
  });

  it('does nothing before the first upload', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scorm-merge-storage-'));
    expect(await new PackageStorage({ dataDir } as PackagesOptions).removeOrphans(new Set())).toBe(0);
  });
});
