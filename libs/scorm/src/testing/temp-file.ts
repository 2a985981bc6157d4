import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const createdFolders = new Set<string>();

/** Writes bytes to a fresh temp folder under the given file name and returns the full path. */
export function writeTempFile(buffer: Buffer, name: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'scorm-merge-test-'));
  createdFolders.add(folder);
  // basename: a test name like "../x.zip" must not write outside the temp folder.
  const path = join(folder, basename(name) || 'file');
  writeFileSync(path, buffer);
  return path;
}

/** Removes every folder writeTempFile made in this process (call from afterAll). */
export function removeTempFiles(): void {
  for (const folder of createdFolders) rmSync(folder, { recursive: true, force: true });
  createdFolders.clear();
}
