import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `../shared/fixtures/<name>` beside the workspace (found from nx.json, so a file's depth never
 * matters), or null when it is absent: a user's fresh clone has none, and tests skip saying so.
 */
export function sharedFixturesDir(name: string): string | null {
  let root = __dirname;
  while (!existsSync(join(root, 'nx.json'))) {
    const parent = dirname(root);
    if (parent === root) return null;
    root = parent;
  }
  const dir = resolve(root, '..', 'shared', 'fixtures', name);
  return existsSync(dir) ? dir : null;
}
