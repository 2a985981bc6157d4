import { open, type FileHandle } from 'node:fs/promises';

/** Where the zip writer puts its bytes, in order. */
export interface ByteSink {
  write(chunk: Buffer): Promise<void>;
  close(): Promise<void>;
}

const FLUSH_BYTES = 1024 * 1024;

/**
 * Appends to a file through one handle, in ~1 MiB writes: few syscalls, bounded memory,
 * and write errors (ENOSPC, EIO) surface from the write that hit them.
 */
export class FileSink implements ByteSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(private readonly handle: FileHandle) {}

  /** Creates or truncates the file. */
  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'w', 0o644));
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length >= FLUSH_BYTES && this.pendingBytes === 0) {
      await this.writeFully(chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    try {
      await this.flush();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes without flushing, after a failure. */
  async abandon(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.close().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.writeFully(data);
  }

  private async writeFully(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  }
}
