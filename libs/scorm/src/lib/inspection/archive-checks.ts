import type { ZipEntryInfo } from '../zip/zip-archive';
import { encryptedMessage, formatBytes } from '../zip/zip-archive';
import { PackageError } from '../package-error';
import { type PackageLimits, RATIO_CHECK_THRESHOLD_BYTES } from '../package-limits';

export interface ArchiveTotals {
  uncompressedBytes: number;
  compressedBytes: number;
  /** Sentences for PackageFacts.warnings. */
  warnings: string[];
}

/**
 * Refuses archives that are unsafe or too big to handle, from central-directory data alone
 * (nothing is decompressed here). Declared sizes can lie; readers stay bounded regardless.
 */
export function checkArchive(entries: readonly ZipEntryInfo[], limits: PackageLimits): ArchiveTotals {
  if (entries.length > limits.maxEntries) {
    throw new PackageError(
      `The zip has ${entries.length} entries; at most ${limits.maxEntries} are allowed.`,
    );
  }
  const seen = new Set<string>();
  let uncompressedBytes = 0;
  let compressedBytes = 0;
  const backslashed: string[] = [];
  for (const entry of entries) {
    if (entry.encrypted) throw new PackageError(encryptedMessage());
    if (seen.has(entry.name)) {
      // Two entries with one name extract differently in every tool; refuse rather than guess.
      throw new PackageError(
        `The zip contains "${entry.name}" more than once; each file may appear only once.`,
      );
    }
    seen.add(entry.name);
    if (entry.hadBackslashes) backslashed.push(entry.name);
    uncompressedBytes += entry.uncompressedSize;
    compressedBytes += entry.compressedSize;
  }
  if (uncompressedBytes > limits.maxUncompressedBytes) {
    throw new PackageError(
      `The zip would unpack to ${formatBytes(uncompressedBytes)}; at most ${formatBytes(limits.maxUncompressedBytes)} are allowed.`,
    );
  }
  if (uncompressedBytes > RATIO_CHECK_THRESHOLD_BYTES) {
    const ratio = compressedBytes > 0 ? uncompressedBytes / compressedBytes : Infinity;
    if (ratio > limits.maxCompressionRatio) {
      throw new PackageError(
        `The zip is compressed ${Number.isFinite(ratio) ? Math.round(ratio) : 'infinitely'} to 1, more than the ${limits.maxCompressionRatio} to 1 allowed; it looks like a zip bomb.`,
      );
    }
  }
  const warnings: string[] = [];
  if (backslashed.length > 0) {
    warnings.push(
      `${backslashed.length === 1 ? '1 zip entry name uses' : `${backslashed.length} zip entry names use`} backslashes as folder separators and ${backslashed.length === 1 ? 'was' : 'were'} read with slashes (for example "${backslashed[0]}").`,
    );
  }
  return { uncompressedBytes, compressedBytes, warnings };
}
