import type { PackageLimits } from './scorm';

export interface PackagesOptions {
  /** Absolute folder holding uploads (and, later, merges). */
  dataDir: string;
  upload: { maxFileBytes: number; maxPackagesPerSession: number };
  packageLimits: PackageLimits;
}

export const PACKAGES_OPTIONS = Symbol('PACKAGES_OPTIONS');
