import { Inject, Injectable } from '@nestjs/common';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Files derived from a merged zip, kept beside it as `<merge>.zip.<suffix>` and removed with it. */
export type MergeCompanion = 'preview.json';
const COMPANIONS: readonly MergeCompanion[] = ['preview.json'];

/** Where merged zips live: DATA_DIR/merges/<session>/<merge>.zip. */
@Injectable()
export class MergeStorage {
  readonly root: string;

  constructor(@Inject(PACKAGES_OPTIONS) options: PackagesOptions) {
    this.root = resolve(options.dataDir, 'merges');
  }

  relativePath(sessionId: string, mergeId: string): string {
    if (!SAFE_ID.test(sessionId) || !SAFE_ID.test(mergeId)) throw new Error('Not a safe merge path');
    return join(sessionId, `${mergeId}.zip`);
  }

  absolutePath(relativePath: string): string {
    const absolute = resolve(this.root, relativePath);
    if (relative(this.root, absolute).startsWith('..'))
      throw new Error(`Refusing a path outside merges: ${relativePath}`);
    return absolute;
  }

  async prepare(relativePath: string): Promise<string> {
    const absolute = this.absolutePath(relativePath);
    await mkdir(dirname(absolute), { recursive: true });
    return absolute;
  }

  /** Removes a deleted session's folder with every merged zip in it. */
  async removeSessionFolder(sessionId: string): Promise<void> {
    if (!SAFE_ID.test(sessionId)) throw new Error('Not a safe merge path');
    await rm(join(this.root, sessionId), { recursive: true, force: true });
  }

  /** The temporary file a merge writes before its rename (see mergePackages). */
  async removePartial(relativePath: string): Promise<void> {
    await rm(`${this.absolutePath(relativePath)}.part`, { force: true });
  }

  /** Where a file derived from the merged zip at `zipPath` (relative or absolute) is kept. */
  companionPath(zipPath: string, companion: MergeCompanion): string {
    return `${this.absolutePath(zipPath)}.${companion}`;
  }

  /** Removes a merged zip and the files derived from it. */
  async remove(relativePath: string | null): Promise<void> {
    if (!relativePath) return;
    await rm(this.absolutePath(relativePath), { force: true });
    for (const companion of COMPANIONS)
      await rm(this.companionPath(relativePath, companion), { force: true });
  }
}
