import * as yauzl from 'yauzl';
import { PackageError } from '../package-error';
import { toPackageError } from './zip-errors';

/** One central-directory entry, as the rest of the code sees it. */
export interface ZipEntryInfo {
  /** Entry name with backslashes turned into slashes (as yauzl does; unsafe names are refused). */
  readonly name: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  /** 0 = stored, 8 = deflated. */
  readonly compressionMethod: number;
  readonly encrypted: boolean;
  readonly isDirectory: boolean;
  /** The stored name used backslashes as separators (a Windows zip tool). */
  readonly hadBackslashes: boolean;
  readonly lastModified: Date;
}

/** Synchronous positioned reads of one open file. */
export interface RandomAccessFile {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buffer` from its start; returns how many were read. */
  read(buffer: Buffer, length: number, position: number): number;
}

export interface ZipDirectoryOptions {
  /** Refuse before reading the central directory when the end record declares more entries. */
  maxEntries?: number;
}

/** A central-directory record: the entry, plus where its local header is. */
export class ZipRecord implements ZipEntryInfo {
  readonly isDirectory: boolean;

  constructor(
    readonly name: string,
    readonly compressedSize: number,
    readonly uncompressedSize: number,
    readonly crc32: number,
    readonly compressionMethod: number,
    readonly encrypted: boolean,
    readonly hadBackslashes: boolean,
    readonly localHeaderOffset: number,
    private readonly dosDate: number,
    private readonly dosTime: number,
    /** From an extended-timestamp extra field, when there is one. */
    private readonly modifiedMs: number | null,
  ) {
    this.isDirectory = name.endsWith('/');
  }

  /** Built on demand: only the merge needs it, and a Date per entry is not free. */
  get lastModified(): Date {
    return this.modifiedMs !== null
      ? new Date(this.modifiedMs)
      : yauzl.dosDateTimeToDate(this.dosDate, this.dosTime);
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_BYTES = 56;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_BYTES = 46;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const ZIP64_EXTRA_FIELD = 0x0001;
const NTFS_EXTRA_FIELD = 0x000a;
const UNIX_TIME_EXTRA_FIELD = 0x5455;
const UNICODE_PATH_EXTRA_FIELD = 0x7075;
const BACKSLASH = 0x5c;
const BLOCK_BYTES = 64 * 1024;
const SHORT_TAIL_BYTES = 8 * 1024;

/**
 * Scratch space for the end-record search and directory reads. Reading is synchronous from start to end,
 * so one set serves every archive; nothing that outlives a call points into it.
 */
const tailScratch = Buffer.allocUnsafe(ZIP64_LOCATOR_BYTES + EOCD_BYTES + MAX_COMMENT_BYTES);
let blockScratch = Buffer.allocUnsafe(BLOCK_BYTES);

/**
 * The central directory of a zip, with yauzl 3's rules: the end-record search and its comment-length
 * check, ZIP64 locator and record, multi-disk refusal, names (CP437 or UTF-8, Info-ZIP Unicode paths,
 * backslashes as separators), unsafe names, ZIP64 sizes and offsets, and the stored-size check. yauzl's
 * own exported helpers decode names and extra fields; tests compare every record with yauzl's.
 *
 * Why not yauzl itself: it reads asynchronously, a thread-pool round trip per read, and allocates 64 KiB
 * per open. An upload inspects a zip it has just written, so these reads come from the page cache in
 * microseconds; on the two-core benchmark machine the round trips cost more than the reading.
 */
export function readZipDirectory(file: RandomAccessFile, options: ZipDirectoryOptions = {}): ZipRecord[] {
  const end = readEndRecord(file);
  if (options.maxEntries !== undefined && end.entryCount > options.maxEntries) {
    throw new PackageError(
      `The zip has ${end.entryCount} entries; at most ${options.maxEntries} are allowed.`,
    );
  }
  const cursor = new DirectoryCursor(file, end.directoryOffset, end.tail);
  const records: ZipRecord[] = [];
  for (let index = 0; index < end.entryCount; index++) records.push(readCentralRecord(cursor));
  return records;
}

interface EndRecord {
  entryCount: number;
  directoryOffset: number;
  /** The file's last bytes, already read: often the whole central directory is in them. */
  tail: { start: number; data: Buffer };
}

function readEndRecord(file: RandomAccessFile): EndRecord {
  if (file.size === 0) throw new PackageError('The file is empty.');
  const full = Math.min(tailScratch.length, file.size);
  // Zips seldom carry a comment, so a short window usually holds the end record (and a small central
  // directory); yauzl's full window is read when it does not. Both are searched from the end, so the
  // record found is the same.
  let length = Math.min(SHORT_TAIL_BYTES, full);
  for (;;) {
    const start = file.size - length;
    const tail = tailScratch.subarray(0, readFully(file, tailScratch, length, start));
    let i = length - EOCD_BYTES;
    while (i >= 0 && tail.readUInt32LE(i) !== EOCD_SIGNATURE) i--;
    if (i < ZIP64_LOCATOR_BYTES && length < full) {
      length = full;
      continue;
    }
    if (i < 0) break;
    let diskNumber = tail.readUInt16LE(i + 4);
    let entryCount = tail.readUInt16LE(i + 10);
    let directoryOffset = tail.readUInt32LE(i + 16);
    const commentLength = tail.readUInt16LE(i + 20);
    if (commentLength !== length - i - EOCD_BYTES) {
      throw toPackageError(new Error('invalid comment length'));
    }
    const locator = i - ZIP64_LOCATOR_BYTES;
    if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) {
      const record = Buffer.alloc(ZIP64_EOCD_BYTES);
      readFully(file, record, ZIP64_EOCD_BYTES, readUInt64LE(tail, locator + 8));
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
        throw toPackageError(new Error('invalid zip64 end of central directory record signature'));
      }
      // Checked only after the ZIP64 record overrides it, as yauzl does.
      diskNumber = record.readUInt32LE(16);
      entryCount = readUInt64LE(record, 32);
      directoryOffset = readUInt64LE(record, 48);
    }
    if (diskNumber !== 0) throw toPackageError(new Error('multi-disk zip files are not supported'));
    return { entryCount, directoryOffset, tail: { start, data: tail } };
  }
  // "Not a zip" and "a zip cut short" look alike from the end; the first bytes tell them apart.
  const head = Buffer.alloc(4);
  const looksLikeZip = file.read(head, 4, 0) === 4 && head.readUInt32LE(0) === LOCAL_HEADER_SIGNATURE;
  throw looksLikeZip
    ? toPackageError(new Error('truncated: end of central directory record signature not found'))
    : new PackageError('The file is not a zip archive.');
}

/** One record, as yauzl's ZipFile._readEntry reads it (decodeStrings, validateEntrySizes, lenient names). */
function readCentralRecord(cursor: DirectoryCursor): ZipRecord {
  const header = cursor.take(CENTRAL_HEADER_BYTES);
  const signature = header.readUInt32LE(0);
  if (signature !== CENTRAL_HEADER_SIGNATURE) {
    throw toPackageError(
      new Error(`invalid central directory file header signature: 0x${signature.toString(16)}`),
    );
  }
  const flags = header.readUInt16LE(8);
  const compressionMethod = header.readUInt16LE(10);
  const dosTime = header.readUInt16LE(12);
  const dosDate = header.readUInt16LE(14);
  const crc32 = header.readUInt32LE(16);
  let compressedSize = header.readUInt32LE(20);
  let uncompressedSize = header.readUInt32LE(24);
  const nameLength = header.readUInt16LE(28);
  const extraLength = header.readUInt16LE(30);
  const commentLength = header.readUInt16LE(32);
  let localHeaderOffset = header.readUInt32LE(42);
  if (flags & 0x40) throw toPackageError(new Error('strong encryption is not supported'));
  const encrypted = (flags & 0x1) !== 0;

  const variable = cursor.take(nameLength + extraLength + commentLength);
  const nameRaw = variable.subarray(0, nameLength);
  let extraFields: Array<{ id: number; data: Buffer }>;
  try {
    extraFields = yauzlRecords.parseExtraFields(variable.subarray(nameLength, nameLength + extraLength));
  } catch (error) {
    throw toPackageError(error);
  }
  const name = decodeName(flags, nameRaw, extraFields);
  const unsafe = mayBeUnsafe(name) ? yauzl.validateFileName(name) : null;
  if (unsafe !== null) throw toPackageError(new Error(unsafe));
  if (name.includes('\0')) {
    throw toPackageError(new Error(`invalid characters in fileName: ${name.replace(/\0/g, '\\0')}`));
  }

  const zip64 = extraFields.find((field) => field.id === ZIP64_EXTRA_FIELD)?.data;
  if (zip64) {
    let at = 0;
    const next = (what: string): number => {
      if (at + 8 > zip64.length) {
        throw toPackageError(new Error(`zip64 extended information extra field does not include ${what}`));
      }
      const value = readUInt64LE(zip64, at);
      at += 8;
      return value;
    };
    if (uncompressedSize === 0xffffffff) uncompressedSize = next('uncompressed size');
    if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
    if (localHeaderOffset === 0xffffffff) localHeaderOffset = next('relative header offset');
  }
  // Traditional encryption prefixes stored data with a 12-byte header.
  if (compressionMethod === 0 && compressedSize !== uncompressedSize + (encrypted ? 12 : 0)) {
    throw toPackageError(
      new Error(
        `compressed/uncompressed size mismatch for stored file: ${compressedSize} != ${uncompressedSize}`,
      ),
    );
  }
  return new ZipRecord(
    name,
    compressedSize,
    uncompressedSize,
    crc32,
    compressionMethod,
    encrypted,
    nameRaw.includes(BACKSLASH),
    localHeaderOffset,
    dosDate,
    dosTime,
    modifiedFromExtraFields(extraFields),
  );
}

/**
 * yauzl's getFileNameLowLevel (lenient names), with a shortcut for the usual case: no Info-ZIP Unicode
 * path field and a name of printable ASCII, which CP437 and UTF-8 both read as itself.
 */
function decodeName(flags: number, raw: Buffer, extraFields: Array<{ id: number; data: Buffer }>): string {
  if (!extraFields.some((field) => field.id === UNICODE_PATH_EXTRA_FIELD) && isPrintableAscii(raw)) {
    const name = raw.toString('latin1');
    return raw.includes(BACKSLASH) ? name.replace(/\\/g, '/') : name;
  }
  return yauzlRecords.getFileNameLowLevel(flags, raw, extraFields, false);
}

function isPrintableAscii(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] < 0x20 || bytes[i] > 0x7e) return false;
  return true;
}

/** Only names that could fail yauzl's validateFileName (backslashes are slashes by now) are checked by it. */
function mayBeUnsafe(name: string): boolean {
  return name.charCodeAt(0) === 0x2f || name.charCodeAt(1) === 0x3a || name.includes('..');
}

/** yauzl's Entry.getLastModDate, for the extended timestamps it reads before falling back to DOS time. */
function modifiedFromExtraFields(extraFields: Array<{ id: number; data: Buffer }>): number | null {
  for (const { id, data } of extraFields) {
    if (id === UNIX_TIME_EXTRA_FIELD) {
      if (data.length < 5 || !(data[0] & 1)) continue;
      return data.readInt32LE(1) * 1000;
    }
    if (id === NTFS_EXTRA_FIELD) {
      if (data.length !== 32 || data.readUInt16LE(4) !== 1 || data.readUInt16LE(6) !== 24) continue;
      const hundredNanosSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
      return hundredNanosSince1601 / 10000 - 11644473600000;
    }
  }
  return null;
}

/** Sequential reads through the central directory, a block at a time; "unexpected EOF" past the end, as yauzl. */
class DirectoryCursor {
  private block: Buffer;
  private blockStart: number;

  constructor(
    private readonly file: RandomAccessFile,
    private position: number,
    tail: { start: number; data: Buffer },
  ) {
    this.block = tail.data;
    this.blockStart = tail.start;
  }

  take(length: number): Buffer {
    const offset = this.position - this.blockStart;
    if (offset < 0 || offset + length > this.block.length) this.load(length);
    const start = this.position - this.blockStart;
    this.position += length;
    return this.block.subarray(start, start + length);
  }

  private load(length: number): void {
    if (this.position + length > this.file.size) throw toPackageError(new Error('unexpected EOF'));
    const size = Math.min(Math.max(length, BLOCK_BYTES), this.file.size - this.position);
    // A record's names and extra fields can reach 192 KiB; the scratch grows to fit once.
    if (blockScratch.length < size) blockScratch = Buffer.allocUnsafe(size);
    const bytesRead = this.file.read(blockScratch, size, this.position);
    if (bytesRead < length) throw toPackageError(new Error('unexpected EOF'));
    this.block = blockScratch.subarray(0, bytesRead);
    this.blockStart = this.position;
  }
}

/** Reads exactly `length` bytes or fails as a truncated zip. */
function readFully(file: RandomAccessFile, buffer: Buffer, length: number, position: number): number {
  if (position + length > file.size || file.read(buffer, length, position) < length) {
    throw toPackageError(new Error('unexpected EOF'));
  }
  return length;
}

function readUInt64LE(buffer: Buffer, at: number): number {
  return buffer.readUInt32LE(at + 4) * 0x100000000 + buffer.readUInt32LE(at);
}

/** yauzl 3 exports these helpers; its typings do not list them. */
const yauzlRecords = yauzl as unknown as {
  parseExtraFields(extraField: Buffer): Array<{ id: number; data: Buffer }>;
  getFileNameLowLevel(
    generalPurposeBitFlag: number,
    fileName: Buffer,
    extraFields: Array<{ id: number; data: Buffer }>,
    strictFileNames: boolean,
  ): string;
};
