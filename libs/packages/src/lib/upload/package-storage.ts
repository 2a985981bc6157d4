import { Inject, Injectable } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Where uploaded zips live under DATA_DIR. Ids are checked, so no path can leave the folder. */
@Injectable()
export class PackageStorage {
  readonly root: string;

  constructor(@Inject(PACKAGES_OPTIONS) options: PackagesOptions) {
    this.root = resolve(options.dataDir, 'uploads');
  }

  /** Makes sure the session's folder exists; synchronous, one metadata call of microseconds per request. */
  createSessionFolder(sessionId: string): void {
    mkdirSync(this.resolveInside(assertSafeId(sessionId)), { recursive: true });
  }

  /** The stored path relative to DATA_DIR's uploads folder, as kept in SQLite. */
  relativePath(sessionId: string, packageId: string): string {
    return join(assertSafeId(sessionId), `${assertSafeId(packageId)}.zip`);
  }

  absolutePath(storagePath: string): string {
    return this.resolveInside(storagePath);
  }

  async remove(storagePath: string | null): Promise<void> {
    if (storagePath) await rm(this.resolveInside(storagePath), { force: true });
  }

  /** Removes a deleted session's folder with every zip in it. */
  async removeSessionFolder(sessionId: string): Promise<void> {
    await rm(this.resolveInside(assertSafeId(sessionId)), { recursive: true, force: true });
  }

  /**
   * Removes upload files no package refers to: half-written ones left by a killed process, and those
   * written but never recorded. Run at start-up, before any upload. Returns how many went.
   */
  async removeOrphans(referenced: ReadonlySet<string>): Promise<number> {
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch(() => []);
    const orphans = entries
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((path) => !referenced.has(relative(this.root, path)));
    await Promise.all(orphans.map((path) => rm(path, { force: true })));
    return orphans.length;
  }

  private resolveInside(path: string): string {
    const absolute = resolve(this.root, path);
    const rel = relative(this.root, absolute);
    if (
      rel === '' ||
      rel.startsWith('..') ||
      rel.includes(`..${sep}`) ||
      resolve(this.root, rel) !== absolute
    ) {
      throw new Error(`Refusing a storage path outside the uploads folder: ${path}`);
    }
    return absolute;
  }
}

function assertSafeId(id: string): string {
  if (!SAFE_ID.test(id)) throw new Error(`Not a safe id: ${JSON.stringify(id)}`);
  return id;
}
