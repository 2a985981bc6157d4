import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import {
  buildZip,
  recordRows,
  removeTempFiles,
  writeTempFile,
  yauzlRecordRows,
  type ZipRecordRow,
} from '../../testing';
import { PackageError } from '../package-error';
import { openZipArchive, withZipArchive, type ZipArchive } from './zip-archive';

afterAll(() => removeTempFiles());

const zipFile = (entries: Parameters<typeof buildZip>[0], name = 'test.zip') =>
  writeTempFile(buildZip(entries), name);

async function openFails(path: string): Promise<PackageError> {
  const error = await openZipArchive(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackageError);
  return error as PackageError;
}

/** Open descriptors of this process; Linux only. */
const openFdCount = () => (process.platform === 'linux' ? readdirSync('/proc/self/fd').length : 0);

describe('openZipArchive', () => {
  it('lists entries and reads stored and deflated data', async () => {
    const path = zipFile([
      { name: 'a.txt', data: 'hello', method: 'store' },
      { name: 'dir/', data: '', method: 'store' },
      { name: 'dir/b.txt', data: 'x'.repeat(5000) },
    ]);
    await withZipArchive(path, {}, async (archive) => {
      expect(archive.entries.map((e) => e.name)).toEqual(['a.txt', 'dir/', 'dir/b.txt']);
      const [a, dir, b] = archive.entries;
      expect(a).toMatchObject({
        compressionMethod: 0,
        uncompressedSize: 5,
        encrypted: false,
        isDirectory: false,
      });
      expect(dir.isDirectory).toBe(true);
      expect(b.compressionMethod).toBe(8);
      expect(b.compressedSize).toBeLessThan(b.uncompressedSize);
      expect((await archive.readEntry(a, 100)).toString()).toBe('hello');
      expect((await archive.readEntry(b, 10_000)).toString()).toBe('x'.repeat(5000));
    });
  });

  // Small entries are read in one go and inflated in place; large ones stream.
  it.each([100_000, 700_000])(
    'keeps reads of a %d-byte entry bounded: readEntry rejects, readEntryHead truncates',
    async (size) => {
      const path = zipFile([{ name: 'big.txt', data: 'y'.repeat(size) }]);
      await withZipArchive(path, {}, async (archive) => {
        const [entry] = archive.entries;
        await expect(archive.readEntry(entry, 1000)).rejects.toThrow(/larger than the 1000 bytes allowed/);
        const head = await archive.readEntryHead(entry, 1000);
        expect(head.toString()).toBe('y'.repeat(1000));
        expect((await archive.readEntry(entry, size)).length).toBe(size);
      });
    },
  );

  // A head read is what feeds descriptions and their cache: the bytes after the head count too.
  it.each([
    ['small stored', 2_000, 'store'],
    ['small deflated', 2_000, 'deflate'],
    ['large stored', 700_000, 'store'],
    ['large deflated', 700_000, 'deflate'],
  ] as const)('checks the whole CRC-32 of a %s entry on a head read', async (_label, size, method) => {
    const data = Buffer.alloc(size, 'y');
    const good = zipFile([{ name: 'page.html', data, method }]);
    const bad = zipFile([{ name: 'page.html', data, method, declaredCrc32: crc32(data) ^ 0x10 }]);
    await withZipArchive(good, {}, async (archive) => {
      expect((await archive.readEntryHead(archive.entries[0], 100)).toString()).toBe('y'.repeat(100));
    });
    await withZipArchive(bad, {}, async (archive) => {
      await expect(archive.readEntryHead(archive.entries[0], 100)).rejects.toThrow(
        'The zip archive is damaged: "page.html" fails its checksum.',
      );
      await expect(archive.readEntry(archive.entries[0], size)).rejects.toThrow('fails its checksum');
    });
  });

  it('refuses a small entry whose deflated data or local header is damaged', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'some text '.repeat(200) }]);
    const badData = Buffer.from(zip);
    badData.fill(0xff, 30 + 5, 30 + 5 + 8);
    const badHeader = Buffer.from(zip);
    badHeader.writeUInt32LE(0x12345678, 0);
    for (const [name, bytes] of [
      ['data.zip', badData],
      ['header.zip', badHeader],
    ] as const) {
      await withZipArchive(writeTempFile(bytes, name), {}, async (archive) => {
        await expect(archive.readEntry(archive.entries[0], 10_000)).rejects.toThrow(
          /truncated or damaged|does not match/,
        );
      });
    }
  });

  it('gives raw (still compressed) bytes for byte-for-byte copies', async () => {
    const path = zipFile([{ name: 'page.html', data: '<p>same bytes</p>'.repeat(50) }]);
    await withZipArchive(path, {}, async (archive) => {
      const [entry] = archive.entries;
      const stream = await archive.openEntryStream(entry, { raw: true });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks);
      expect(raw.length).toBe(entry.compressedSize);
      expect(inflateRawSync(raw).toString()).toBe('<p>same bytes</p>'.repeat(50));
    });
  });

  it('refuses an entry whose data fails its checksum', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello world', method: 'store' }]);
    zip[30 + 'a.txt'.length] ^= 0xff; // first data byte
    await withZipArchive(writeTempFile(zip, 'crc.zip'), {}, async (archive) => {
      await expect(archive.readEntry(archive.entries[0], 100)).rejects.toThrow(/damaged.*checksum/);
    });
  });

  it.each([100, 600 * 1024])(
    'refuses a deflated entry that inflates beyond its declared size of %d bytes (lying header)',
    async (declared) => {
      const path = zipFile([
        { name: 'bomb.txt', data: Buffer.alloc(2 * 1024 * 1024), declaredUncompressedSize: declared },
      ]);
      await withZipArchive(path, {}, async (archive) => {
        const [entry] = archive.entries;
        expect(entry.uncompressedSize).toBe(declared);
        await expect(archive.readEntry(entry, 1024 * 1024)).rejects.toThrow(
          /size recorded for "bomb.txt" does not match/,
        );
        await expect(archive.readEntryHead(entry, 4 * 1024 * 1024)).rejects.toThrow(PackageError);
      });
    },
  );

  it('refuses a stored entry whose sizes disagree', async () => {
    const error = await openFails(
      zipFile([{ name: 'a.txt', data: 'hello', method: 'store', declaredUncompressedSize: 9 }]),
    );
    expect(error.message).toMatch(/damaged: the size recorded/);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'The file is empty.'],
    [
      'a text file',
      Buffer.from('this is not a zip at all, just some text\n'.repeat(20)),
      'The file is not a zip archive.',
    ],
    ['a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'The file is not a zip archive.'],
  ])('explains %s', async (_label, bytes, message) => {
    const error = await openFails(writeTempFile(bytes, 'upload.zip'));
    expect(error.message).toBe(message);
  });

  it('explains a truncated zip', async () => {
    const zip = buildZip([
      { name: 'imsmanifest.xml', data: '<manifest/>' },
      { name: 'a.html', data: 'x'.repeat(4000) },
    ]);
    for (const cut of [zip.length - 10, Math.floor(zip.length / 2), 40]) {
      const error = await openFails(writeTempFile(zip.subarray(0, cut), 'cut.zip'));
      expect(error.message).toBe('The zip archive is truncated or damaged.');
    }
  });

  it('explains a zip whose central directory points past the data', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello'.repeat(100) }]);
    const local = zip.subarray(0, 30 + 5 + zip.readUInt32LE(18));
    // Keep the central directory and end record, drop part of the entry data.
    const broken = Buffer.concat([local.subarray(0, local.length - 20), zip.subarray(local.length)]);
    broken.writeUInt32LE(local.length - 20, broken.length - 6);
    const path = writeTempFile(broken, 'short.zip');
    await withZipArchive(path, {}, async (archive: ZipArchive) => {
      await expect(archive.readEntry(archive.entries[0], 10_000)).rejects.toThrow(PackageError);
    }).catch((error: unknown) => expect(error).toBeInstanceOf(PackageError));
  });

  it.each([
    ['../../evil.html', /path that leaves the package folder \("\.\.\/\.\.\/evil\.html"\)/],
    ['a/../../evil.html', /leaves the package folder/],
    ['/etc/x', /absolute path \("\/etc\/x"\)/],
    ['C:/x', /absolute path \("C:\/x"\)/],
    ['C:\\x', /absolute path/],
    ['..\\..\\x', /leaves the package folder/],
  ])('refuses the unsafe entry name %j', async (name, message) => {
    const error = await openFails(zipFile([{ name, data: 'x' }]));
    expect(error.message).toMatch(message);
  });

  it('normalises backslash separators and remembers that it did', async () => {
    const path = zipFile([{ name: 'dir\\page.html', data: 'x' }]);
    await withZipArchive(path, {}, async (archive) => {
      expect(archive.entries[0]).toMatchObject({ name: 'dir/page.html', hadBackslashes: true });
    });
  });

  it('reports encrypted entries without trying to read them', async () => {
    const path = zipFile([{ name: 'secret.html', data: 'x', encrypted: true }]);
    await withZipArchive(path, {}, async (archive) => {
      expect(archive.entries[0].encrypted).toBe(true);
      await expect(archive.readEntry(archive.entries[0], 100)).rejects.toThrow(
        /encrypted \(password-protected\)/,
      );
    });
  });

  it('refuses too many entries from the end record alone, quickly', async () => {
    const entries = Array.from({ length: 30_000 }, (_, i) => ({
      name: `f${i}.txt`,
      data: '',
      method: 'store' as const,
    }));
    const path = zipFile(entries);
    const started = Date.now();
    const error = await openZipArchive(path, { maxEntries: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PackageError);
    expect((error as Error).message).toBe('The zip has 30000 entries; at most 10000 are allowed.');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reads a central directory spanning many read blocks, records across block edges', async () => {
    // About 450 KB of records: seven 64 KiB blocks, with records cut at every edge.
    const entries = Array.from({ length: 4000 }, (_, i) => ({
      name: `content/lesson-${String(i).padStart(4, '0')}/${'page-'.repeat(10)}${i}.html`,
      data: `page ${i}`,
      method: i % 2 === 0 ? ('store' as const) : ('deflate' as const),
    }));
    const path = zipFile(entries);
    await withZipArchive(path, {}, async (archive) => {
      expect(archive.entries.map((entry) => entry.name)).toEqual(entries.map((entry) => entry.name));
      const last = archive.entries[3999];
      expect((await archive.readEntry(last, 1024)).toString()).toBe('page 3999');
    });
    expect(await ourEntries(path)).toEqual(await yauzlRecordRows(readFileSync(path)));
  });

  it('takes sizes and offsets from ZIP64 extra fields, as yauzl does', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('<manifest/>'), 'imsmanifest.xml', { forceZip64Format: true });
    zip.addBuffer(Buffer.alloc(5000, 7), 'media/big.bin', { forceZip64Format: true, compress: false });
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const path = writeTempFile(Buffer.concat(chunks), 'zip64.zip');
    await withZipArchive(path, {}, async (archive) => {
      expect(archive.entries.map((e) => [e.name, e.uncompressedSize])).toEqual([
        ['imsmanifest.xml', 11],
        ['media/big.bin', 5000],
      ]);
      expect((await archive.readEntry(archive.entries[0], 100)).toString()).toBe('<manifest/>');
      expect(await archive.readEntry(archive.entries[1], 5000)).toEqual(Buffer.alloc(5000, 7));
    });
    expect(await ourEntries(path)).toEqual(await yauzlRecordRows(readFileSync(path)));
  });

  it('closes its file handle on every path', async () => {
    const good = zipFile([{ name: 'a.txt', data: 'a' }]);
    const bad = writeTempFile(Buffer.from('not a zip'), 'bad.zip');
    const unsafe = zipFile([{ name: '../x', data: 'a' }]);
    const many = zipFile([
      { name: 'a', data: '' },
      { name: 'b', data: '' },
    ]);
    const big = zipFile([
      { name: 'stored.txt', data: 'z'.repeat(300_000), method: 'store' },
      { name: 'deflated.txt', data: 'z'.repeat(300_000) },
    ]);
    const before = openFdCount();
    for (let i = 0; i < 20; i++) {
      await withZipArchive(good, {}, async () => undefined);
      // Reads abandoned half-way must not pin the descriptor either.
      await withZipArchive(big, {}, async (archive) => {
        for (const entry of archive.entries) {
          await archive.readEntryHead(entry, 10);
          await archive.readEntry(entry, 100).catch(() => undefined);
        }
      });
      await withZipArchive(good, {}, async () => {
        throw new Error('work failed');
      }).catch(() => undefined);
      await openZipArchive(bad).catch(() => undefined);
      await openZipArchive(unsafe).catch(() => undefined);
      await openZipArchive(many, { maxEntries: 1 }).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openFdCount()).toBeLessThanOrEqual(before);
  });

  it('lets server faults (a missing file) through unchanged', async () => {
    const error = await openZipArchive('/nonexistent/upload.zip').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PackageError);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('writes through writeTempFile only inside its own folder', () => {
    const path = writeTempFile(Buffer.from('x'), '../../escape.zip');
    expect(path).toMatch(/scorm-merge-test-[^/]+\/escape\.zip$/);
    writeFileSync(path, 'ok');
  });
});

async function ourEntries(path: string): Promise<ZipRecordRow[]> {
  return withZipArchive(path, {}, async (archive) => recordRows(archive.entries));
}
