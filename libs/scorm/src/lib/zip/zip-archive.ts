import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { FileRangeStream } from './file-range-stream';
import { PackageError } from '../package-error';
import {
  type RandomAccessFile,
  readZipDirectory,
  type ZipDirectoryOptions,
  type ZipEntryInfo,
  ZipRecord,
} from './zip-directory';
import { encryptedMessage, formatBytes, toPackageError } from './zip-errors';

export type { ZipEntryInfo } from './zip-directory';
export { encryptedMessage, formatBytes, toPackageError } from './zip-errors';

export interface ZipArchive {
  readonly entries: readonly ZipEntryInfo[];
  /** Size of the zip file on disk. */
  readonly fileSize: number;
  /** The whole entry, decompressed and CRC-checked; rejects once more than maxBytes come out. */
  readEntry(entry: ZipEntryInfo, maxBytes: number): Promise<Buffer>;
  /**
   * At most the first maxBytes of the entry (for samples); the rest is still inflated to check the
   * whole entry's CRC-32, so a damaged or altered entry is refused even where only its head is used.
   */
  readEntryHead(entry: ZipEntryInfo, maxBytes: number): Promise<Buffer>;
  /**
   * A stream of the entry's data. `raw: true` gives the stored (still compressed) bytes,
   * so a writer can copy an entry byte for byte without inflating it.
   */
  openEntryStream(entry: ZipEntryInfo, options?: { raw?: boolean }): Promise<Readable>;
  /**
   * Bytes [start, end) of the entry's decompressed data (an HTTP Range). A stored entry is read from
   * exactly there; a deflated one is inflated from its start and the bytes before `start` are dropped.
   */
  openEntryRange(entry: ZipEntryInfo, start: number, end: number): Promise<Readable>;
  close(): Promise<void>;
}

export type OpenZipOptions = ZipDirectoryOptions;

const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_BYTES = 30;
/**
 * Entries up to this size (compressed and not) are read whole and inflated in place: manifests,
 * metadata and launch pages nearly always are. Larger ones stream, so memory stays bounded.
 */
const SMALL_ENTRY_BYTES = 512 * 1024;

/**
 * Opens a zip by random access (central directory only; entry data is read on demand), so a large upload
 * never sits in memory. Every failure is a PackageError with a user-facing reason, and the descriptor is
 * closed on every error path.
 *
 * The directory and small entries are read synchronously, like every SQLite query here: an upload is
 * inspected right after it was written, so these reads are page-cache copies of microseconds, where a
 * thread-pool round trip per read cost more than the reading (on 2 cores, 20 times more). Large entries
 * stream asynchronously.
 */
export async function openZipArchive(path: string, options: OpenZipOptions = {}): Promise<ZipArchive> {
  // A plain descriptor, not a FileHandle: a FileHandle would close itself when garbage-collected.
  const fd = openSync(path, 'r');
  try {
    const file = new DescriptorFile(fd, fstatSync(fd).size);
    return new DescriptorZipArchive(file, readZipDirectory(file, options));
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Opens, runs `work`, and always closes. */
export async function withZipArchive<T>(
  path: string,
  options: OpenZipOptions,
  work: (archive: ZipArchive) => Promise<T>,
): Promise<T> {
  const archive = await openZipArchive(path, options);
  try {
    return await work(archive);
  } finally {
    await archive.close();
  }
}

class DescriptorFile implements RandomAccessFile {
  private open = true;

  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}

  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }

  /** Fills `buffer` from `position` on (less at the end of the file); resolves with what was read. */
  readAsync(buffer: Buffer, position: number): Promise<Buffer> {
    return new Promise((resolve, reject) =>
      read(this.fd, buffer, 0, buffer.length, position, (error, bytesRead) =>
        error ? reject(error) : resolve(buffer.subarray(0, bytesRead)),
      ),
    );
  }

  read(buffer: Buffer, length: number, position: number): number {
    let total = 0;
    while (total < length) {
      const bytesRead = readSync(this.fd, buffer, total, length - total, position + total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    return total;
  }
}

class DescriptorZipArchive implements ZipArchive {
  readonly fileSize: number;
  private readonly own: Set<ZipEntryInfo>;
  private closed = false;
  /** Streams still reading; the descriptor is closed when the archive is closed and none is left. */
  private openStreams = 0;

  constructor(
    private readonly file: DescriptorFile,
    readonly entries: readonly ZipRecord[],
  ) {
    this.fileSize = file.size;
    this.own = new Set(entries);
  }

  async readEntry(entry: ZipEntryInfo, maxBytes: number): Promise<Buffer> {
    if (entry.uncompressedSize > maxBytes) {
      throw tooLarge(entry, maxBytes);
    }
    return this.collect(entry, maxBytes, false);
  }

  readEntryHead(entry: ZipEntryInfo, maxBytes: number): Promise<Buffer> {
    return this.collect(entry, maxBytes, true);
  }

  async openEntryStream(entry: ZipEntryInfo, options: { raw?: boolean } = {}): Promise<Readable> {
    const record = this.record(entry);
    const decode = !options.raw && record.compressionMethod !== 0;
    if (record.encrypted && !options.raw) throw new PackageError(encryptedMessage());
    if (decode && record.compressionMethod !== 8) throw unsupportedMethod(record);
    const source = await this.openStoredBytes(record, 0, record.compressedSize);
    if (!decode) return source;
    const checked = new ByteCountCheck(record.uncompressedSize);
    // Destroying `checked` early (a bounded read) tears down the file read and the inflater too.
    pipeline(source, createInflateRaw(), checked, () => undefined);
    return checked;
  }

  async openEntryRange(entry: ZipEntryInfo, start: number, end: number): Promise<Readable> {
    const record = this.record(entry);
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end)) {
      throw new RangeError(`Not a byte range: ${start}-${end}`);
    }
    const last = Math.min(end, record.uncompressedSize);
    if (record.encrypted) throw new PackageError(encryptedMessage());
    if (record.compressionMethod === 0) {
      if (record.compressedSize !== record.uncompressedSize) throw damaged(record, 'size mismatch');
      return this.openStoredBytes(record, Math.min(start, last), last);
    }
    if (record.compressionMethod !== 8) throw unsupportedMethod(record);
    const whole = await this.openEntryStream(entry);
    const slice = new ByteSlice(start, last);
    pipeline(whole, slice, () => undefined);
    return slice;
  }

  /** Stored bytes [from, to) of the entry's data, read asynchronously from the shared descriptor. */
  private async openStoredBytes(record: ZipRecord, from: number, to: number): Promise<FileRangeStream> {
    // Counted from here: closing the archive meanwhile must not close the descriptor under this read.
    this.openStreams++;
    let source: FileRangeStream;
    try {
      // Asynchronous: a merge opens thousands of entries of zips the page cache may no longer hold.
      const header = await this.file.readAsync(
        Buffer.allocUnsafe(LOCAL_HEADER_BYTES),
        record.localHeaderOffset,
      );
      const start = this.dataStart(record, header);
      source = new FileRangeStream(this.file.fd, start + from, start + to);
    } catch (error) {
      this.openStreams--;
      this.closeIfDone();
      throw error;
    }
    source.once('close', () => {
      this.openStreams--;
      this.closeIfDone();
    });
    return source;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closeIfDone();
  }

  private closeIfDone(): void {
    if (this.closed && this.openStreams === 0) this.file.close();
  }

  private record(entry: ZipEntryInfo): ZipRecord {
    if (!this.own.has(entry)) throw new Error('The entry does not belong to this zip archive.');
    if (this.closed) throw new Error('The zip archive is already closed.');
    return entry as ZipRecord;
  }

  /** Where the entry's data starts, from its local header; the data must fit in the file. */
  private dataStart(record: ZipRecord, header: Buffer): number {
    if (header.length < LOCAL_HEADER_BYTES) throw damaged(record, 'truncated');
    const signature = header.readUInt32LE(0);
    if (signature !== LOCAL_HEADER_SIGNATURE) {
      throw damaged(record, `invalid local file header signature: 0x${signature.toString(16)}`);
    }
    const at = record.localHeaderOffset;
    const start = at + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + record.compressedSize > this.fileSize)
      throw damaged(record, 'file data overflows file bounds');
    return start;
  }

  /** The local header, then the data, then a synchronous inflate. */
  private readSmallEntry(entry: ZipEntryInfo): Buffer {
    const record = this.record(entry);
    if (record.encrypted) throw new PackageError(encryptedMessage());
    if (record.compressionMethod !== 0 && record.compressionMethod !== 8) throw unsupportedMethod(record);
    const header = Buffer.allocUnsafe(LOCAL_HEADER_BYTES);
    const start = this.dataStart(
      record,
      header.subarray(0, this.file.read(header, LOCAL_HEADER_BYTES, record.localHeaderOffset)),
    );
    const stored = Buffer.allocUnsafe(record.compressedSize);
    if (this.file.read(stored, stored.length, start) < stored.length) throw damaged(record, 'truncated');
    const sizeMismatch = () => damaged(record, 'size mismatch');
    if (record.compressionMethod === 0) {
      if (stored.length !== record.uncompressedSize) throw sizeMismatch();
      return stored;
    }
    let data: Buffer;
    try {
      // Capped at the recorded size: a lying entry cannot inflate past it.
      data = inflateRawSync(stored, { maxOutputLength: Math.max(1, record.uncompressedSize) });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw sizeMismatch();
      throw toPackageError(error, record.name);
    }
    if (data.length !== record.uncompressedSize) throw sizeMismatch();
    return data;
  }

  /**
   * The entry's data, or its first `maxBytes` when `truncate`; either way every byte of the entry is
   * checked against its CRC-32. The directory checks sizes but not CRCs, and what is read is trusted
   * (it feeds descriptions and their cache), so a head read still inflates the rest to check it.
   */
  private async collect(entry: ZipEntryInfo, maxBytes: number, truncate: boolean): Promise<Buffer> {
    if (isSmallEntry(entry)) {
      const data = this.readSmallEntry(entry);
      if (data.length > maxBytes && !truncate) throw tooLarge(entry, maxBytes);
      checkCrc(entry, crc32(data));
      return data.length <= maxBytes ? data : data.subarray(0, maxBytes);
    }
    const stream = await this.openEntryStream(entry);
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let crc = 0;
      let settled = false;
      const finish = (error: unknown, data?: Buffer) => {
        if (settled) return;
        settled = true;
        stream.removeAllListeners('data');
        // Destroying releases the file range and the inflater early.
        if (!stream.destroyed) stream.destroy();
        if (error) reject(error);
        else resolve(data ?? Buffer.alloc(0));
      };
      stream.on('data', (chunk: Buffer) => {
        crc = crc32(chunk, crc);
        if (size >= maxBytes) return; // the head is complete: the rest only feeds the checksum
        if (size + chunk.length > maxBytes) {
          if (!truncate) return finish(tooLarge(entry, maxBytes));
          chunk = chunk.subarray(0, maxBytes - size);
        }
        size += chunk.length;
        chunks.push(chunk);
      });
      stream.on('error', (err: Error) => finish(toPackageError(err, entry.name)));
      stream.on('end', () => {
        try {
          checkCrc(entry, crc);
          finish(null, Buffer.concat(chunks, size));
        } catch (error) {
          finish(error);
        }
      });
    });
  }
}

/** Fails the stream when the inflated data is longer or shorter than the directory says, as yauzl does. */
class ByteCountCheck extends Transform {
  private count = 0;

  constructor(private readonly expected: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.expected) {
      callback(new Error(`too many bytes in the stream: expected ${this.expected}`));
    } else {
      callback(null, chunk);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.count < this.expected) {
      callback(new Error(`not enough bytes in the stream: expected ${this.expected}, got ${this.count}`));
    } else {
      callback();
    }
  }
}

/** Passes on bytes [start, end) of what flows through, then ends and tears the source down. */
class ByteSlice extends Transform {
  private position = 0;
  private done = false;

  constructor(
    private readonly from: number,
    private readonly to: number,
  ) {
    super();
    // Once the reader has had the slice, the rest of the entry need not be inflated.
    this.once('end', () => this.destroy());
    if (from >= to) this.finishSlice();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.done) {
      const first = Math.max(this.from - this.position, 0);
      const last = Math.min(this.to - this.position, chunk.length);
      if (first < last) this.push(chunk.subarray(first, last));
      this.position += chunk.length;
      if (this.position >= this.to) this.finishSlice();
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    callback();
  }

  private finishSlice(): void {
    this.done = true;
    this.push(null);
  }
}

function damaged(record: ZipRecord, what: string): PackageError {
  return toPackageError(new Error(what), record.name);
}

function unsupportedMethod(record: ZipRecord): PackageError {
  return damaged(record, `unsupported compression method: ${record.compressionMethod}`);
}

function tooLarge(entry: ZipEntryInfo, maxBytes: number): PackageError {
  return new PackageError(`"${entry.name}" is larger than the ${formatBytes(maxBytes)} allowed for it.`);
}

function checkCrc(entry: ZipEntryInfo, crc: number): void {
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new PackageError(`The zip archive is damaged: "${entry.name}" fails its checksum.`);
  }
}

function isSmallEntry(entry: ZipEntryInfo): boolean {
  return entry.compressedSize <= SMALL_ENTRY_BYTES && entry.uncompressedSize <= SMALL_ENTRY_BYTES;
}
