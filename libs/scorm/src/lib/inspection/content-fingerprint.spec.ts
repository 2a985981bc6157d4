import { buildZip, removeTempFiles, writeTempFile } from '../../testing';
import { contentFingerprint } from './content-fingerprint';
import { withZipArchive } from '../zip/zip-archive';

async function fingerprintOf(zip: Buffer): Promise<string> {
  const path = writeTempFile(zip, 'fingerprint.zip');
  return withZipArchive(path, {}, async (archive) => {
    const manifest = archive.entries.find((e) => e.name === 'imsmanifest.xml');
    return contentFingerprint(
      archive.entries,
      manifest ? await archive.readEntry(manifest, 1 << 20) : Buffer.alloc(0),
    );
  });
}

describe('contentFingerprint', () => {
  afterAll(() => removeTempFiles());

  it('is the same for the same files, however they were compressed or ordered', async () => {
    const a = await fingerprintOf(
      buildZip([
        { name: 'imsmanifest.xml', data: '<manifest/>', method: 'deflate' },
        { name: 'index.html', data: '<p>Hello</p>', method: 'store' },
      ]),
    );
    const b = await fingerprintOf(
      buildZip([
        { name: 'index.html', data: '<p>Hello</p>', method: 'deflate' },
        { name: 'imsmanifest.xml', data: '<manifest/>', method: 'store' },
      ]),
    );
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
  });

  it('changes when any file content, name or the manifest changes', async () => {
    const base = [
      { name: 'imsmanifest.xml', data: '<manifest/>' },
      { name: 'index.html', data: '<p>Hello</p>' },
    ];
    const original = await fingerprintOf(buildZip(base));
    const changedPage = await fingerprintOf(
      buildZip([base[0], { name: 'index.html', data: '<p>Hullo</p>' }]),
    );
    const renamed = await fingerprintOf(buildZip([base[0], { name: 'start.html', data: '<p>Hello</p>' }]));
    const changedManifest = await fingerprintOf(
      buildZip([{ name: 'imsmanifest.xml', data: '<manifest />' }, base[1]]),
    );
    expect(new Set([original, changedPage, renamed, changedManifest]).size).toBe(4);
  });
});
