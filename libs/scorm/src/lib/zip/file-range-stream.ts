import { read } from 'node:fs';
import { Readable } from 'node:stream';

/**
 * Bytes [start, end) of an open file, read asynchronously. Unlike fs.createReadStream on a descriptor,
 * ending or destroying it (a bounded read that has seen enough) leaves the shared descriptor open.
 */
export class FileRangeStream extends Readable {
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
        // The file is shorter than its central directory says.
        this.destroy(new Error('unexpected EOF'));
      } else {
        this.position += bytesRead;
        this.push(bytesRead < length ? chunk.subarray(0, bytesRead) : chunk);
      }
    });
  }
}
