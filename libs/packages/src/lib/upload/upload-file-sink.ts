import { close, open, writev } from 'node:fs';

/**
 * Write buffers shared by all uploads. Received data is copied into them at once, so the socket's
 * chunks die young: held any longer, V8 promotes them and only frees them with full collections,
 * which a large upload then triggers every few dozen megabytes.
 */
export class WriteBufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly bufferBytes: number,
    private readonly maxFree: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.bufferBytes);
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.maxFree) this.free.push(buffer);
  }
}

export interface UploadFileSinkOptions {
  /** Bytes past this are dropped and the file is marked truncated. */
  maxBytes: number;
  /** Data is written a full buffer at a time (or when the part ends): few, large writes. */
  pool: WriteBufferPool;
  /** Above this many unwritten bytes the sink asks the sender to pause. */
  highWaterBytes: number;
  /** Called with true when the sink wants no more data for now, false when it does again. */
  onPressure(paused: boolean): void;
}

export interface WrittenFile {
  /** Every byte the part carried, including those dropped past maxBytes. */
  receivedBytes: number;
  truncated: boolean;
}

type Settle = { resolve: (file: WrittenFile) => void; reject: (error: Error) => void };

/**
 * One uploaded file on its way to disk. It keeps what arrives until `writeTo` names the file
 * (the session slot is decided meanwhile), then writes full buffers with one writev at a time.
 */
export class UploadFileSink {
  /** Full buffers waiting to be written. */
  private full: Buffer[] = [];
  /** The buffer being filled, and how much of it is. */
  private current: Buffer | null = null;
  private currentLength = 0;
  private receivedBytes = 0;
  private truncated = false;
  private ended = false;
  private discarding = false;
  private failure: Error | null = null;
  private fd: number | null = null;
  private writing = false;
  private paused = false;
  private settle: Settle | null = null;

  constructor(private readonly options: UploadFileSinkOptions) {}

  private get pendingBytes(): number {
    return this.full.length * this.options.pool.bufferBytes + this.currentLength;
  }

  push(data: Buffer): void {
    if (this.ended || this.failure) return;
    this.receivedBytes += data.length;
    if (this.discarding || this.truncated) return;
    if (this.receivedBytes > this.options.maxBytes) {
      // The file is refused; nothing more of it needs to reach the disk.
      this.truncated = true;
      this.dropPending();
    } else {
      this.copyIn(data);
    }
    this.pump();
  }

  /** The part is complete. */
  end(): void {
    this.ended = true;
    this.pump();
  }

  /** The part will never complete (the request failed or broke off): writeTo rejects with `error`. */
  abort(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.dropPending();
    this.pump();
  }

  /** The file is not wanted: whatever it carries is dropped. */
  discard(): void {
    this.discarding = true;
    this.dropPending();
    this.pump();
  }

  /** Writes the whole part to a new file at `path` and closes it; rejects if the part is aborted. */
  writeTo(path: string): Promise<WrittenFile> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      open(path, 'wx', (error, fd) => {
        if (error) {
          this.failure ??= error;
          this.finish();
          return;
        }
        this.fd = fd;
        this.pump();
      });
    });
  }

  private copyIn(data: Buffer): void {
    const { pool } = this.options;
    for (let offset = 0; offset < data.length;) {
      this.current ??= pool.take();
      const copied = data.copy(this.current, this.currentLength, offset);
      offset += copied;
      this.currentLength += copied;
      if (this.currentLength === pool.bufferBytes) {
        this.full.push(this.current);
        this.current = null;
        this.currentLength = 0;
      }
    }
  }

  private pump(): void {
    this.signalPressure();
    if (this.fd === null || this.writing) return;
    if (this.failure) return this.finish();
    let batch: Buffer[] = [];
    let views: Buffer[] = [];
    if (this.full.length > 0) {
      batch = this.full;
      views = batch;
      this.full = [];
    } else if (this.ended && this.current) {
      batch = [this.current];
      views = [this.current.subarray(0, this.currentLength)];
      this.current = null;
      this.currentLength = 0;
    }
    if (batch.length > 0) {
      this.writing = true;
      writeAll(this.fd, views, (error) => {
        this.writing = false;
        for (const buffer of batch) this.options.pool.give(buffer);
        if (error) this.failure ??= error;
        this.pump();
      });
      this.signalPressure();
      return;
    }
    if (this.ended) this.finish();
  }

  private finish(): void {
    const settle = this.settle;
    if (!settle) return;
    this.settle = null;
    const fd = this.fd;
    this.fd = null;
    const done = (closeError: Error | null) => {
      const error = this.failure ?? closeError;
      if (error) settle.reject(error);
      else settle.resolve({ receivedBytes: this.receivedBytes, truncated: this.truncated });
    };
    if (fd === null) done(null);
    else close(fd, (error) => done(error));
  }

  private dropPending(): void {
    for (const buffer of this.full) this.options.pool.give(buffer);
    if (this.current) this.options.pool.give(this.current);
    this.full = [];
    this.current = null;
    this.currentLength = 0;
  }

  private signalPressure(): void {
    const paused = this.pendingBytes >= this.options.highWaterBytes;
    if (paused === this.paused) return;
    this.paused = paused;
    this.options.onPressure(paused);
  }
}

/** writev until every byte is written; a regular file rarely takes less, but it may. */
function writeAll(fd: number, chunks: Buffer[], callback: (error: Error | null) => void): void {
  writev(fd, chunks, (error, written) => {
    if (error) return callback(error);
    const rest = [...chunks];
    let skip = written;
    while (rest.length > 0 && skip >= rest[0].length) skip -= (rest.shift() as Buffer).length;
    if (rest.length === 0) return callback(null);
    rest[0] = rest[0].subarray(skip);
    writeAll(fd, rest, callback);
  });
}
