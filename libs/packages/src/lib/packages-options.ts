import type { PackageLimits } from '@scorm-merge/scorm';

export interface PackagesOptions {
  /** Absolute folder holding uploads (and, later, merges). */
  dataDir: string;
  upload: { maxFileBytes: number; maxPackagesPerSession: number; maxSessionBytes: number };
  /** Below this many free bytes on DATA_DIR's filesystem, uploads and merges are refused. */
  storage: { minFreeBytes: number };
  /** Idle sessions and old merged zips are deleted; days may be fractional. */
  retention: {
    sessionIdleDays: number;
    mergeDays: number;
    sweepIntervalMinutes: number;
    sweepBatchSize: number;
  };
  packageLimits: PackageLimits;
  /** The built inspection worker (inspection-worker.js); without it packages are inspected on the event loop. */
  inspectionWorkerScript?: string;
}

export const PACKAGES_OPTIONS = Symbol('PACKAGES_OPTIONS');
