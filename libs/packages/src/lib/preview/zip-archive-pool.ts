import { openZipArchive, type ZipArchive, type ZipEntryInfo } from '@scorm-merge/scorm';

/** An open stored zip with its entries by name, shared by the requests for its files. */
export interface PooledArchive {
  readonly archive: ZipArchive;
  readonly entriesByName: ReadonlyMap<string, ZipEntryInfo>;
}

interface Slot {
  opening: Promise<PooledArchive>;
  lastUsed: number;
}

/**
 * A small LRU of open zips: a page pulls dozens of files from one package, and reopening the zip (its
 * central directory) per file would cost more than the file. Bounded in count, so file descriptors
 * stay bounded, and an archive unused for `idleMs` is closed, so a zip deleted elsewhere (another
 * instance, retention) does not keep its disk space for long. Closing waits for reads in flight.
 */
export class ZipArchivePool {
  private readonly slots = new Map<string, Slot>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly capacity = 16,
    private readonly idleMs = 60_000,
  ) {
    this.timer = setInterval(() => this.closeIdle(), Math.max(1000, Math.floor(idleMs / 2)));
    this.timer.unref();
  }

  get size(): number {
    return this.slots.size;
  }

  /** The open archive of the zip at `path`, opened now if it is not in the pool. */
  async get(path: string): Promise<PooledArchive> {
    let slot = this.slots.get(path);
    if (slot) {
      // Most recently used last: Map keeps insertion order.
      this.slots.delete(path);
    } else {
      slot = { opening: open(path), lastUsed: 0 };
      slot.opening.catch(() => this.slots.get(path) === slot && this.slots.delete(path));
    }
    slot.lastUsed = Date.now();
    this.slots.set(path, slot);
    this.evictOverCapacity();
    return slot.opening;
  }

  /** Closes the zip at `path` (its package was removed or its merge expired). */
  evict(path: string): void {
    const slot = this.slots.get(path);
    if (!slot) return;
    this.slots.delete(path);
    close(slot);
  }

  /** At shutdown: closes every archive now. */
  closeAll(): void {
    clearInterval(this.timer);
    for (const slot of this.slots.values())
      slot.opening.then(
        (pooled) => pooled.archive.close(),
        () => undefined,
      );
    this.slots.clear();
  }

  private evictOverCapacity(): void {
    while (this.slots.size > this.capacity) {
      const [oldest] = this.slots.keys();
      this.evict(oldest);
    }
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const [path, slot] of this.slots) if (slot.lastUsed < cutoff) this.evict(path);
  }
}

async function open(path: string): Promise<PooledArchive> {
  const archive = await openZipArchive(path);
  const entriesByName = new Map<string, ZipEntryInfo>();
  for (const entry of archive.entries) if (!entry.isDirectory) entriesByName.set(entry.name, entry);
  return { archive, entriesByName };
}

/**
 * Closes a little later: a request that took the archive just before it left the pool still opens its
 * entry; reads already streaming keep the descriptor open until they end (ZipArchive.close waits).
 */
const CLOSE_DELAY_MS = 5000;

function close(slot: Slot): void {
  slot.opening.then(
    (pooled) => setTimeout(() => void pooled.archive.close(), CLOSE_DELAY_MS).unref(),
    () => undefined,
  );
}
