import { crc32, deflateRawSync } from 'node:zlib';

/** One entry for buildZip. Hostile settings are allowed on purpose. */
export interface ZipEntrySpec {
  /** Written byte for byte (UTF-8): "../x", "/etc/x", "C:/x", "a\\b" and duplicates are all kept. */
  name: string;
  data: string | Buffer;
  /** Default 'deflate'. */
  method?: 'store' | 'deflate';
  /** Sets the traditional-encryption flag bit (the data is not really encrypted). */
  encrypted?: boolean;
  /** Overrides the uncompressed size written into both headers (a lying header). */
  declaredUncompressedSize?: number;
  /** Overrides the CRC-32 written into both headers (damaged or altered data). */
  declaredCrc32?: number;
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

/**
 * A minimal zip writer (local headers + central directory + end record, no zip64) for tests.
 * Unlike real zip libraries it writes whatever it is told, so tests can build the archives
 * an attacker would: duplicate names, path traversal, encrypted flags, lying sizes.
 */
export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const raw = typeof spec.data === 'string' ? Buffer.from(spec.data, 'utf8') : spec.data;
    const method = spec.method === 'store' ? 0 : 8;
    let body = method === 8 ? deflateRawSync(raw) : raw;
    // Real traditional encryption prefixes a 12-byte header; keep sizes consistent with that.
    if (spec.encrypted) body = Buffer.concat([Buffer.alloc(12, 0xaa), body]);
    const name = Buffer.from(spec.name, 'utf8');
    const flags = FLAG_UTF8 | (spec.encrypted ? FLAG_ENCRYPTED : 0);
    const crc = (spec.declaredCrc32 ?? crc32(raw)) >>> 0;
    const size = spec.declaredUncompressedSize ?? raw.length;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk, internal attributes, external attributes stay 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length & 0xffff, 8);
  end.writeUInt16LE(entries.length & 0xffff, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}
