import type { PackageLimits } from '@scorm-merge/scorm';

export interface PackagesOptions {
  /** Absolute folder holding uploads (and, later, merges). */
  dataDir: string;
  upload: { maxFileBytes: number; maxPackagesPerSession: number };
  packageLimits: PackageLimits;
  /** The built inspection worker (inspection-worker.js); without it packages are inspected on the event loop. */
  inspectionWorkerScript?: string;
}

export const PACKAGES_OPTIONS = Symbol('PACKAGES_OPTIONS');
