/** Bounds applied to every uploaded package; uploads are untrusted. */
export interface PackageLimits {
  /** Most entries a zip may hold. */
  maxEntries: number;
  /** Most bytes all entries may declare, uncompressed, together. */
  maxUncompressedBytes: number;
  /** Highest total uncompressed / compressed ratio; only enforced above 1 MiB uncompressed. */
  maxCompressionRatio: number;
  /** Largest imsmanifest.xml (and adlcp:location metadata file) we read. */
  maxManifestBytes: number;
  /** Longest content sample returned in PackageFacts.contentSample. */
  contentSampleChars: number;
}

export const MIB = 1024 * 1024;

export const DEFAULT_PACKAGE_LIMITS: PackageLimits = Object.freeze({
  maxEntries: 10_000,
  maxUncompressedBytes: 2 * 1024 * MIB,
  maxCompressionRatio: 100,
  maxManifestBytes: 8 * MIB,
  contentSampleChars: 4000,
});

/** Below this total, ratios are meaningless (tiny text files compress very well). */
export const RATIO_CHECK_THRESHOLD_BYTES = MIB;

export function resolveLimits(overrides: Partial<PackageLimits> = {}): PackageLimits {
  const limits = { ...DEFAULT_PACKAGE_LIMITS };
  for (const key of Object.keys(limits) as Array<keyof PackageLimits>) {
    const value = overrides[key];
    // Ignore undefined/NaN so a half-filled config cannot disable a bound.
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) limits[key] = value;
  }
  return limits;
}
