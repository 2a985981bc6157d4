import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The folder holding nx.json. */
export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('nx.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The shared SCORM corpus beside the project; a user's fresh clone has none. */
export function corpusDir(): string | null {
  const dir = resolve(workspaceRoot(), '..', 'shared', 'fixtures', 'scorm');
  return existsSync(dir) ? dir : null;
}
