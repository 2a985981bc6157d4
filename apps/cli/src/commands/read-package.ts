import { inspectPackage, PackageError, type PackageFacts } from '@scorm-merge/scorm';
import { basename } from 'node:path';

export type ReadPackage =
  | { ok: true; path: string; filename: string; facts: PackageFacts }
  | { ok: false; path: string; filename: string; reason: string };

const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'a folder, not a zip file',
};

/** Inspects one package as the upload does; a package or file problem becomes a reason, not a throw. */
export async function readPackage(path: string): Promise<ReadPackage> {
  const filename = basename(path);
  try {
    return { ok: true, path, filename, facts: await inspectPackage(path, { filename }) };
  } catch (error) {
    if (error instanceof PackageError) return { ok: false, path, filename, reason: error.message };
    const problem = FILE_PROBLEMS[(error as NodeJS.ErrnoException).code ?? ''];
    if (problem) return { ok: false, path, filename, reason: `cannot read it: ${problem}` };
    throw error;
  }
}
