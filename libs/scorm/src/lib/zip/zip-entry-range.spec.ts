import type { Readable } from 'node:stream';
import { buildZip, removeTempFiles, writeTempFile } from '../../testing';
import { withZipArchive } from './zip-archive';

afterAll(() => removeTempFiles());

const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Larger than the 512 KiB read whole, so a deflated range streams and skips. */
const DATA = Buffer.from(Array.from({ length: 1300 * 1024 }, (_, i) => (i * 7919 + (i >> 9)) % 253));

describe('openEntryRange', () => {
  const path = writeTempFile(
    buildZip([
      { name: 'stored.bin', data: DATA, method: 'store' },
      { name: 'deflated.bin', data: DATA, method: 'deflate' },
      { name: 'empty.txt', data: '', method: 'store' },
    ]),
    'ranges.zip',
  );

  it.each(['stored.bin', 'deflated.bin'])('gives exactly the asked bytes of %s', async (name) => {
    await withZipArchive(path, {}, async (archive) => {
      const entry = archive.entries.find((e) => e.name === name);
      if (!entry) throw new Error('no entry');
      for (const [start, end] of [
        [0, 1],
        [0, DATA.length],
        [700_000, 700_123],
        [DATA.length - 10, DATA.length],
        [DATA.length - 10, DATA.length + 50],
        [5, 5],
      ]) {
        const bytes = await collect(await archive.openEntryRange(entry, start, end));
        expect([start, end, bytes.equals(DATA.subarray(start, Math.min(end, DATA.length)))]).toEqual([
          start,
          end,
          true,
        ]);
      }
    });
  });

  it('refuses ranges that are not ranges', async () => {
    await withZipArchive(path, {}, async (archive) => {
      const entry = archive.entries[0];
      await expect(archive.openEntryRange(entry, 10, 5)).rejects.toThrow(RangeError);
      await expect(archive.openEntryRange(entry, -1, 5)).rejects.toThrow(RangeError);
    });
  });

  it('lets the archive close once the last range read ends', async () => {
    let stream: Readable | undefined;
    await withZipArchive(path, {}, async (archive) => {
      stream = await archive.openEntryRange(archive.entries[1], 100, 200_000);
    });
    // Closed while the read was open: the read still completes.
    expect((await collect(stream as Readable)).equals(DATA.subarray(100, 200_000))).toBe(true);
  });
});
