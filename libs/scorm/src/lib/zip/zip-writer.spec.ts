import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { openZipArchive } from './zip-archive';
import { FileSink } from './file-sink';
import { toDosDateTime, ZipWriter } from './zip-writer';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zip-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function writeZip(
  path: string,
  fill: (writer: ZipWriter) => Promise<void>,
  forceZip64 = false,
): Promise<number> {
  const sink = await FileSink.create(path);
  const writer = new ZipWriter(sink, { forceZip64 });
  await fill(writer);
  const size = await writer.finish();
  await sink.close();
  return size;
}

const unzipAvailable = spawnSync('unzip', ['-v']).status === 0;

describe('ZipWriter', () => {
  it.each([false, true])(
    'copies stored bytes raw and reads back identically (forceZip64 %s)',
    async (forceZip64) => {
      const text = Buffer.from('Hello, learners! '.repeat(500));
      const deflated = deflateRawSync(text);
      const path = join(dir, 'out.zip');
      const size = await writeZip(
        path,
        async (writer) => {
          await writer.addRaw({
            name: 'folder/raw.txt',
            compressionMethod: 8,
            crc32: crc32(text),
            compressedSize: deflated.length,
            uncompressedSize: text.length,
            lastModified: new Date(2020, 5, 15, 10, 30, 42),
            data: [deflated.subarray(0, 10), deflated.subarray(10)],
          });
          await writer.addBuffer('généré.html', Buffer.from('<p>é</p>'));
          await writer.addBuffer('empty.txt', Buffer.alloc(0));
        },
        forceZip64,
      );
      const archive = await openZipArchive(path);
      try {
        expect(archive.fileSize).toBe(size);
        expect(archive.entries.map((e) => e.name)).toEqual(['folder/raw.txt', 'généré.html', 'empty.txt']);
        const raw = archive.entries[0];
        expect(raw).toMatchObject({
          compressionMethod: 8,
          compressedSize: deflated.length,
          uncompressedSize: text.length,
        });
        expect(raw.lastModified).toEqual(new Date(2020, 5, 15, 10, 30, 42));
        expect((await archive.readEntry(raw, 1e6)).equals(text)).toBe(true);
        const stream = await archive.openEntryStream(raw, { raw: true });
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks).equals(deflated)).toBe(true);
        expect((await archive.readEntry(archive.entries[1], 100)).toString()).toBe('<p>é</p>');
      } finally {
        await archive.close();
      }
      if (unzipAvailable) expect(spawnSync('unzip', ['-tq', path]).status).toBe(0);
    },
  );

  it('switches to Zip64 above 65535 entries', async () => {
    const path = join(dir, 'many.zip');
    const data = Buffer.from('x');
    await writeZip(path, async (writer) => {
      for (let i = 0; i < 65_540; i++) await writer.addBuffer(`f/${i}`, data, new Date(2024, 0, 1), true);
    });
    const archive = await openZipArchive(path);
    try {
      expect(archive.entries).toHaveLength(65_540);
      expect((await archive.readEntry(archive.entries[65_539], 10)).toString()).toBe('x');
    } finally {
      await archive.close();
    }
  }, 60_000);

  it('refuses a source that gives a different number of bytes than its directory says', async () => {
    const sink = await FileSink.create(join(dir, 'bad.zip'));
    const writer = new ZipWriter(sink);
    await expect(
      writer.addRaw({
        name: 'short',
        compressionMethod: 0,
        crc32: 0,
        compressedSize: 10,
        uncompressedSize: 10,
        lastModified: new Date(),
        data: [Buffer.alloc(4)],
      }),
    ).rejects.toThrow('"short" gave 4 stored bytes where its zip directory says 10.');
    await sink.abandon();
  });

  it('clamps dates to the MS-DOS range', () => {
    expect(toDosDateTime(new Date(1970, 0, 1))).toEqual({ dosDate: (0 << 9) | (1 << 5) | 1, dosTime: 0 });
    expect(toDosDateTime(new Date(2024, 1, 29, 23, 59, 59))).toEqual({
      dosDate: (44 << 9) | (2 << 5) | 29,
      dosTime: (23 << 11) | (59 << 5) | 29,
    });
  });
});
