/** Emitted (and awaited) after a package's row is deleted, so the module that stores its zip removes it. */
export const PACKAGE_REMOVED_EVENT = 'package.removed';

export interface PackageRemoved {
  sessionId: string;
  packageId: string;
  storagePath: string | null;
}
