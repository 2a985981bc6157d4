import yazl from 'yazl';
import { buildZip, recordRows, yauzlRecordRows, type ZipRecordRow, seededRandom } from '../../testing';
import { PackageError } from '../package-error';
import { type RandomAccessFile, readZipDirectory } from './zip-directory';

/** A zip held in memory, read the way the archive reads a file. */
function memoryFile(zip: Buffer): RandomAccessFile {
  return {
    size: zip.length,
    read: (buffer, length, position) =>
      zip.copy(buffer, 0, position, Math.min(zip.length, position + length)),
  };
}

async function yazlZip(build: (zip: yazl.ZipFile) => void, comment?: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  build(zip);
  zip.end({ forceZip64Format: false, comment: comment ?? '' });
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Zips of several makers and shapes: UTF-8 and plain names, timestamps, comments, ZIP64, folders. */
async function sampleZips(): Promise<Buffer[]> {
  const mtime = new Date('2024-03-05T06:07:08Z');
  return [
    buildZip([
      { name: 'imsmanifest.xml', data: '<manifest/>' },
      { name: 'content/', data: '', method: 'store' },
      { name: 'content/page.html', data: '<p>hello</p>'.repeat(20) },
      { name: 'média/ünïcode.txt', data: 'x', method: 'store' },
    ]),
    await yazlZip((zip) => {
      zip.addBuffer(Buffer.from('<manifest/>'), 'imsmanifest.xml', { mtime });
      zip.addBuffer(Buffer.alloc(3000, 1), 'media/clip.bin', { mtime, compress: false });
      zip.addEmptyDirectory('empty/', { mtime });
    }, 'made by yazl'),
    await yazlZip((zip) => {
      zip.addBuffer(Buffer.from('<manifest/>'), 'imsmanifest.xml', { forceZip64Format: true, mtime });
      zip.addBuffer(Buffer.alloc(500, 2), 'big.bin', { forceZip64Format: true, compress: false, mtime });
    }),
    await yazlZip((zip) => {
      zip.addBuffer(Buffer.from('dos time only'), 'a.txt', { mtime, forceDosTimestamp: true });
    }),
    cp437Names(),
    // Larger than the first window read from the end.
    buildZip(Array.from({ length: 300 }, (_, i) => ({ name: `sco-${i}/index.html`, data: `<p>${i}</p>` }))),
  ];
}

/** Names without the UTF-8 flag: read as CP437, control characters and high bytes included. */
function cp437Names(): Buffer {
  const zip = buildZip([
    { name: 'café/menu.html', data: 'x' },
    { name: 'plain\\dos\\path.txt', data: 'y' },
  ]);
  for (let at = zip.indexOf(CENTRAL_SIGNATURE); at !== -1; at = zip.indexOf(CENTRAL_SIGNATURE, at + 4)) {
    zip.writeUInt16LE(zip.readUInt16LE(at + 8) & ~0x800, at + 8);
  }
  return zip;
}

const CENTRAL_SIGNATURE = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

describe('readZipDirectory', () => {
  it('reads the same records as yauzl from zips of several makers', async () => {
    for (const zip of await sampleZips()) {
      expect(recordRows(readZipDirectory(memoryFile(zip)))).toEqual(await yauzlRecordRows(zip));
    }
  });

  it('finds the end record behind a zip comment, and refuses one with bytes after it', async () => {
    const zip = await yazlZip((z) => z.addBuffer(Buffer.from('x'), 'a.txt'), 'c'.repeat(60_000));
    expect(readZipDirectory(memoryFile(zip)).map((record) => record.name)).toEqual(['a.txt']);
    const extra = Buffer.concat([zip, Buffer.from('trailing')]);
    expect(() => readZipDirectory(memoryFile(extra))).toThrow('The zip archive is truncated or damaged.');
    await expect(yauzlRecordRows(extra)).rejects.toThrow(/comment length/);
  });

  it('tells an empty file, a non-zip and a zip cut short apart', () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }]);
    expect(() => readZipDirectory(memoryFile(Buffer.alloc(0)))).toThrow('The file is empty.');
    expect(() => readZipDirectory(memoryFile(Buffer.from('%PDF-1.7 not a zip')))).toThrow(
      'The file is not a zip archive.',
    );
    expect(() => readZipDirectory(memoryFile(zip.subarray(0, zip.length - 10)))).toThrow(
      'The zip archive is truncated or damaged.',
    );
  });

  it('refuses multi-disk archives', () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }]);
    zip.writeUInt16LE(1, zip.length - 22 + 4);
    expect(() => readZipDirectory(memoryFile(zip))).toThrow(/Split \(multi-part\) zip archives/);
  });

  it('never accepts damaged bytes yauzl refuses, and reads the same records whenever both accept', async () => {
    // Seeded damage near the end, where the directory is: flipped bytes, maxed fields, cuts and additions.
    const random = seededRandom(20261129);
    const damage = (zip: Buffer): Buffer => {
      let out = Buffer.from(zip);
      for (let k = 1 + random(3); k > 0; k--) {
        const at = Math.max(0, out.length - 1 - random(Math.min(out.length, 400)));
        const op = random(5);
        if (op === 0) out[at] = random(256);
        else if (op === 1 && at + 4 <= out.length) out.writeUInt32LE(0xffffffff, at);
        else if (op === 2 && at + 2 <= out.length)
          out.writeUInt16LE(random(3) === 0 ? 0xffff : random(64), at);
        else if (op === 3) out = out.subarray(0, at);
        else out = Buffer.concat([out.subarray(0, at), Buffer.from([random(256)]), out.subarray(at)]);
      }
      return out;
    };
    const zips = await sampleZips();
    let bothAccepted = 0;
    let bothRefused = 0;
    for (let i = 0; i < 3000; i++) {
      const zip = damage(zips[i % zips.length]);
      const expected = await yauzlRecordRows(zip).catch(() => null);
      let actual: ZipRecordRow[] | null = null;
      try {
        actual = recordRows(readZipDirectory(memoryFile(zip)));
      } catch (error) {
        // Stricter than yauzl is allowed (a NUL in a name), looser never; every refusal is a PackageError.
        expect(error).toBeInstanceOf(PackageError);
        if (expected !== null) expect((error as Error).message).toMatch(/an invalid name/);
        else bothRefused++;
        continue;
      }
      expect(actual).toEqual(expected);
      bothAccepted++;
    }
    expect(bothAccepted).toBeGreaterThan(300);
    expect(bothRefused).toBeGreaterThan(300);
  }, 60_000); // hundreds of seeded damages; about 5 s on a quiet machine, more when CI shares it
});
