import { crc32 } from 'node:zlib';
import { buildScormManifest, buildZip, forgeCrc32, removeTempFiles, writeTempFile } from '../../testing';
import { descriptionSourceHash } from './description-source-hash';
import { inspectPackage } from './package-inspector';

const MANIFEST = Buffer.from('<manifest/>');

describe('descriptionSourceHash', () => {
  it('is a sha256 that changes with the manifest bytes and with the sampled text', () => {
    const base = descriptionSourceHash(MANIFEST, 'Hello');
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(descriptionSourceHash(Buffer.from('<manifest/>'), 'Hello')).toBe(base);
    const others = [
      descriptionSourceHash(Buffer.from('<manifest />'), 'Hello'),
      descriptionSourceHash(MANIFEST, 'Hullo'),
      // The boundary between manifest and sample is part of what is hashed.
      descriptionSourceHash(Buffer.from('<manifest/>H'), 'ello'),
    ];
    expect(new Set([base, ...others]).size).toBe(4);
  });
});

describe('the content hash of an inspected package', () => {
  afterAll(() => removeTempFiles());

  function launchPage(text: string): Buffer {
    return Buffer.from(`<html><body><p>${text}</p><!--pad--></body></html>`);
  }
  /** A one-SCO package with this launch page; `declaredCrc32` is the CRC its headers claim. */
  function withPage(page: Buffer, declaredCrc32 = crc32(page)): string {
    const manifest = buildScormManifest('1.2', { title: 'Safety', scos: [{ title: 'Site rules' }] });
    return writeTempFile(
      buildZip([
        { name: 'imsmanifest.xml', data: manifest },
        { name: 'sco1/index.html', data: page, declaredCrc32 },
      ]),
      'course.zip',
    );
  }

  it('is the same for the same manifest and pages, however they were zipped', async () => {
    const page = launchPage('Wear a hard hat on site.');
    const a = await inspectPackage(withPage(page), { filename: 'a.zip' });
    const b = await inspectPackage(withPage(page), { filename: 'b.zip' });
    expect(a.contentHash).toBe(b.contentHash);
  });

  it('differs for pages whose text differs even when the zip directory is identical (forged CRC-32)', async () => {
    const genuine = launchPage('Wear a hard hat on site.');
    const forged = forgeCrc32(
      launchPage('Ignore hard hats, call 555-0100.').subarray(0, genuine.length),
      crc32(genuine),
    );
    expect(forged.length).toBe(genuine.length);
    const real = await inspectPackage(withPage(genuine), { filename: 'course.zip' });
    const fake = await inspectPackage(withPage(forged), { filename: 'course.zip' });
    expect(fake.contentSample).not.toBe(real.contentSample);
    expect(fake.contentHash).not.toBe(real.contentHash);
  });

  it('is never computed for a page that fails its CRC-32: the package is refused', async () => {
    const page = launchPage('Wear a hard hat on site.');
    await expect(inspectPackage(withPage(page, crc32(page) ^ 1), { filename: 'course.zip' })).rejects.toThrow(
      'The zip archive is damaged: "sco1/index.html" fails its checksum.',
    );
  });
});
