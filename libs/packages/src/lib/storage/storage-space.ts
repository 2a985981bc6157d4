import { Inject, Injectable } from '@nestjs/common';
import { statfs } from 'node:fs/promises';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';

/** The message users get whenever DATA_DIR has no room left: upload refusals, merges, full-disk errors. */
export const OUT_OF_STORAGE_MESSAGE = 'The server is out of storage space.';

/** statfs is a system call per upload otherwise; free space moves slowly enough for this to be fresh. */
const FREE_SPACE_CACHE_MS = 1000;

export interface StorageState {
  freeBytes: number;
  minFreeBytes: number;
  /** True when free space is below the floor. */
  low: boolean;
}

/** Free space on DATA_DIR's filesystem against the storage.minFreeBytes floor. */
@Injectable()
export class StorageSpace {
  private cached: { at: number; freeBytes: Promise<number> } | null = null;

  constructor(@Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions) {}

  /** Free bytes available to this process (statfs bavail), measured at most once a second. */
  freeBytes(): Promise<number> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= FREE_SPACE_CACHE_MS) {
      const freeBytes = statfs(this.options.dataDir).then((stats) => stats.bavail * stats.bsize);
      this.cached = { at: now, freeBytes };
      // A failed statfs is not remembered: the next call asks again.
      freeBytes.catch(() => {
        if (this.cached?.freeBytes === freeBytes) this.cached = null;
      });
    }
    return this.cached.freeBytes;
  }

  async state(): Promise<StorageState> {
    const freeBytes = await this.freeBytes();
    const minFreeBytes = this.options.storage.minFreeBytes;
    return { freeBytes, minFreeBytes, low: freeBytes < minFreeBytes };
  }

  /** Whether `bytes` more can be written without going below the floor. */
  async hasRoomFor(bytes: number): Promise<boolean> {
    return (await this.freeBytes()) - bytes >= this.options.storage.minFreeBytes;
  }
}

/** Whether an error means the disk (or the database on it) is full. */
export function isOutOfSpaceError(error: unknown): boolean {
  const codes = [
    (error as { code?: unknown })?.code,
    (error as { driverError?: { code?: unknown } })?.driverError?.code,
  ];
  return codes.some((code) => code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL');
}
