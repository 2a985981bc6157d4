import * as yauzl from 'yauzl';
import type { ZipEntryInfo, ZipRecord } from '../lib/zip/zip-directory';

/** The fields both readers report for a central-directory record, for comparing ours with yauzl's. */
export interface ZipRecordRow {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
  modified: number;
}

export function recordRows(entries: readonly ZipEntryInfo[]): ZipRecordRow[] {
  return entries.map((entry) => {
    const record = entry as ZipRecord;
    return {
      name: record.name,
      method: record.compressionMethod,
      crc32: record.crc32,
      compressedSize: record.compressedSize,
      uncompressedSize: record.uncompressedSize,
      offset: record.localHeaderOffset,
      modified: record.lastModified.getTime(),
    };
  });
}

/** Every record yauzl 3 reads from the same bytes (decodeStrings, validateEntrySizes, lenient names); rejects as it does. */
export async function yauzlRecordRows(zip: Buffer): Promise<ZipRecordRow[]> {
  const zipfile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: false }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  const rows: ZipRecordRow[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zipfile.on('entry', (entry: yauzl.Entry) => {
        rows.push({
          name: entry.fileName,
          method: entry.compressionMethod,
          crc32: entry.crc32,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          offset: entry.relativeOffsetOfLocalHeader,
          modified: entry.getLastModDate().getTime(),
        });
        zipfile.readEntry();
      });
      zipfile.once('end', () => resolve());
      zipfile.once('error', reject);
      zipfile.readEntry();
    });
  } finally {
    zipfile.close();
  }
  return rows;
}
