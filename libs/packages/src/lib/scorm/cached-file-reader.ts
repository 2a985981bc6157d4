import { close, read } from 'node:fs';
import { Readable } from 'node:stream';
import * as yauzl from 'yauzl';

/**
 * One read fetches this much: yauzl's search for the end record (its last 64 KiB + 22 bytes), so that read
 * also brings in a small central directory, and small entries bring their neighbours.
 */
const BLOCK_BYTES = 0xffff + 22;

/**
 * A random-access reader for yauzl that serves its many small header reads (two per central-directory
 * entry, one per local header) from the last block read, instead of one thread-pool round trip
 * each. Large entries still stream straight from the file; memory stays one block per open zip.
 */
export class CachedFileReader extends yauzl.RandomAccessReader {
  private block: { start: number; data: Buffer } | null = null;

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
  ) {
    super();
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null, bytesRead?: number) => void,
  ): void {
    const block = this.block;
    if (block && position >= block.start && position + length <= block.start + block.data.length) {
      block.data.copy(buffer, offset, position - block.start, position - block.start + length);
      // Asynchronous like a real read, so yauzl's entry loop never recurses.
      process.nextTick(callback, null, length);
      return;
    }
    if (length > BLOCK_BYTES) {
      read(this.fd, buffer, offset, length, position, (error, bytesRead) => callback(error, bytesRead));
      return;
    }
    const data = Buffer.allocUnsafe(Math.max(0, Math.min(BLOCK_BYTES, this.fileSize - position)));
    read(this.fd, data, 0, data.length, position, (error, bytesRead) => {
      if (error) return callback(error);
      this.block = { start: position, data: data.subarray(0, bytesRead) };
      const available = Math.min(length, bytesRead);
      data.copy(buffer, offset, 0, available);
      callback(null, available);
    });
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return new FileRangeStream(this.fd, start, end);
  }

  override close(callback: (error: Error | null) => void): void {
    close(this.fd, (error) => callback(error ?? null));
  }
}

/**
 * Bytes [start, end) of an open file. Unlike fs.createReadStream on a descriptor, destroying it early
 * (a bounded read that has seen enough) leaves the shared descriptor open.
 */
class FileRangeStream extends Readable {
  private position: number;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.position = start;
  }

  override _read(size: number): void {
    const length = Math.min(Math.max(size, 64 * 1024), this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const chunk = Buffer.allocUnsafe(length);
    read(this.fd, chunk, 0, length, this.position, (error, bytesRead) => {
      if (error) {
        this.destroy(error);
      } else if (bytesRead === 0) {
        this.push(null);
      } else {
        this.position += bytesRead;
        this.push(bytesRead < length ? chunk.subarray(0, bytesRead) : chunk);
      }
    });
  }
}
