import { crc32, deflateRawSync } from 'node:zlib';
import type { ByteSink } from './file-sink';

/** An entry whose stored bytes are already known: copied as is, never recompressed. */
export interface RawZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated (any method is copied as is). */
  compressionMethod: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  lastModified: Date;
  /** The stored (compressed) bytes, exactly compressedSize of them. */
  data: AsyncIterable<Buffer> | Iterable<Buffer>;
}

export interface ZipWriterOptions {
  /** Write Zip64 records even when nothing needs them (tests). */
  forceZip64?: boolean;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const FLAG_UTF8 = 0x0800;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** Made by UNIX, so extractors apply the permissions below. */
const MADE_BY_UNIX = 3 << 8;
const FILE_MODE = 0o100644;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;

interface CentralRecord {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
  dosTime: number;
  dosDate: number;
}

/**
 * A streaming zip writer: local header with sizes known up front (raw copies know their CRC
 * and sizes from the source's central directory), data, and at the end the central directory.
 * Zip64 records are written when sizes, offsets or the entry count need them.
 */
export class ZipWriter {
  private readonly records: CentralRecord[] = [];
  private offset = 0;
  private finished = false;

  constructor(
    private readonly sink: ByteSink,
    private readonly options: ZipWriterOptions = {},
  ) {}

  get entryCount(): number {
    return this.records.length;
  }

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /** Copies an entry's stored bytes unchanged; `onBytes` reports progress. */
  async addRaw(entry: RawZipEntry, onBytes?: (count: number) => void): Promise<void> {
    await this.writeLocalHeader(entry);
    let copied = 0;
    for await (const chunk of entry.data) {
      copied += chunk.length;
      if (copied > entry.compressedSize) break;
      await this.emit(chunk);
      onBytes?.(chunk.length);
    }
    if (copied !== entry.compressedSize) {
      throw new Error(
        `"${entry.name}" gave ${copied} stored bytes where its zip directory says ${entry.compressedSize}.`,
      );
    }
  }

  /** Adds generated content, deflated unless `store` is set or deflate does not help. */
  async addBuffer(name: string, data: Buffer, lastModified = new Date(), store = false): Promise<void> {
    const deflated = store ? null : deflateRawSync(data, { level: 9 });
    const useDeflate = deflated !== null && deflated.length < data.length;
    const body = useDeflate ? deflated : data;
    await this.addRaw({
      name,
      compressionMethod: useDeflate ? 8 : 0,
      crc32: crc32(data) >>> 0,
      compressedSize: body.length,
      uncompressedSize: data.length,
      lastModified,
      data: [body],
    });
  }

  /** Writes the central directory and end records; returns the zip's size. */
  async finish(): Promise<number> {
    if (this.finished) throw new Error('The zip is already finished.');
    this.finished = true;
    const centralStart = this.offset;
    for (const record of this.records) await this.emit(this.centralHeader(record));
    const centralSize = this.offset - centralStart;
    const count = this.records.length;
    const needsZip64 =
      this.options.forceZip64 === true || count >= MAX_16 || centralStart >= MAX_32 || centralSize >= MAX_32;
    if (needsZip64) {
      const zip64EndOffset = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIRECTORY, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
      end64.writeUInt16LE(VERSION_ZIP64, 14);
      end64.writeUInt32LE(0, 16);
      end64.writeUInt32LE(0, 20);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(centralSize), 40);
      end64.writeBigUInt64LE(BigInt(centralStart), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(ZIP64_LOCATOR, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
      locator.writeUInt32LE(1, 16);
      await this.emit(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(needsZip64 ? MAX_16 : count, 8);
    end.writeUInt16LE(needsZip64 ? MAX_16 : count, 10);
    end.writeUInt32LE(needsZip64 ? MAX_32 : centralSize, 12);
    end.writeUInt32LE(needsZip64 ? MAX_32 : centralStart, 16);
    await this.emit(end);
    return this.offset;
  }

  private async writeLocalHeader(entry: RawZipEntry): Promise<void> {
    if (this.finished) throw new Error('The zip is already finished.');
    const name = Buffer.from(entry.name, 'utf8');
    if (name.length > MAX_16) throw new Error(`The entry name "${entry.name.slice(0, 80)}…" is too long.`);
    const { dosTime, dosDate } = toDosDateTime(entry.lastModified);
    const zip64 =
      this.options.forceZip64 === true || entry.compressedSize >= MAX_32 || entry.uncompressedSize >= MAX_32;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
    header.writeUInt16LE(FLAG_UTF8, 6);
    header.writeUInt16LE(entry.compressionMethod, 8);
    header.writeUInt16LE(dosTime, 10);
    header.writeUInt16LE(dosDate, 12);
    header.writeUInt32LE(entry.crc32 >>> 0, 14);
    header.writeUInt32LE(zip64 ? MAX_32 : entry.compressedSize, 18);
    header.writeUInt32LE(zip64 ? MAX_32 : entry.uncompressedSize, 22);
    header.writeUInt16LE(name.length, 26);
    let extra = Buffer.alloc(0);
    if (zip64) {
      extra = Buffer.alloc(20);
      extra.writeUInt16LE(ZIP64_EXTRA, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(entry.uncompressedSize), 4);
      extra.writeBigUInt64LE(BigInt(entry.compressedSize), 12);
    }
    header.writeUInt16LE(extra.length, 28);
    this.records.push({
      name,
      method: entry.compressionMethod,
      crc: entry.crc32 >>> 0,
      compressedSize: entry.compressedSize,
      uncompressedSize: entry.uncompressedSize,
      offset: this.offset,
      dosTime,
      dosDate,
    });
    await this.emit(Buffer.concat([header, name, extra]));
  }

  private centralHeader(record: CentralRecord): Buffer {
    const force = this.options.forceZip64 === true;
    const bigUncompressed = force || record.uncompressedSize >= MAX_32;
    const bigCompressed = force || record.compressedSize >= MAX_32;
    const bigOffset = force || record.offset >= MAX_32;
    const extraFields: bigint[] = [];
    if (bigUncompressed) extraFields.push(BigInt(record.uncompressedSize));
    if (bigCompressed) extraFields.push(BigInt(record.compressedSize));
    if (bigOffset) extraFields.push(BigInt(record.offset));
    const zip64 = extraFields.length > 0;
    let extra = Buffer.alloc(0);
    if (zip64) {
      extra = Buffer.alloc(4 + extraFields.length * 8);
      extra.writeUInt16LE(ZIP64_EXTRA, 0);
      extra.writeUInt16LE(extraFields.length * 8, 2);
      extraFields.forEach((value, i) => extra.writeBigUInt64LE(value, 4 + i * 8));
    }
    const version = zip64 ? VERSION_ZIP64 : VERSION_DEFAULT;
    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY_UNIX | version, 4);
    header.writeUInt16LE(version, 6);
    header.writeUInt16LE(FLAG_UTF8, 8);
    header.writeUInt16LE(record.method, 10);
    header.writeUInt16LE(record.dosTime, 12);
    header.writeUInt16LE(record.dosDate, 14);
    header.writeUInt32LE(record.crc, 16);
    header.writeUInt32LE(bigCompressed ? MAX_32 : record.compressedSize, 20);
    header.writeUInt32LE(bigUncompressed ? MAX_32 : record.uncompressedSize, 24);
    header.writeUInt16LE(record.name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt16LE(0, 32);
    header.writeUInt16LE(0, 34);
    header.writeUInt16LE(0, 36);
    header.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    header.writeUInt32LE(bigOffset ? MAX_32 : record.offset, 42);
    return Buffer.concat([header, record.name, extra]);
  }

  private async emit(chunk: Buffer): Promise<void> {
    await this.sink.write(chunk);
    this.offset += chunk.length;
  }
}

/** MS-DOS date and time fields (local time, 2-second resolution, years 1980–2107). */
export function toDosDateTime(date: Date): { dosTime: number; dosDate: number } {
  const valid = Number.isFinite(date.getTime()) ? date : new Date();
  const year = Math.min(2107, Math.max(1980, valid.getFullYear()));
  const clamped = year !== valid.getFullYear();
  const dosDate = clamped
    ? ((year - 1980) << 9) | (1 << 5) | 1
    : ((year - 1980) << 9) | ((valid.getMonth() + 1) << 5) | valid.getDate();
  const dosTime = clamped
    ? 0
    : (valid.getHours() << 11) | (valid.getMinutes() << 5) | Math.floor(valid.getSeconds() / 2);
  return { dosTime, dosDate };
}
