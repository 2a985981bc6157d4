import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import { corpusDir } from '../support/workspace';

/** Source zips: the real corpus when present, else packages built in code. */
export function sourcePackages(): Array<{ name: string; data: Buffer }> {
  const dir = corpusDir();
  if (dir) {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.zip'))
      .sort()
      .map((name) => ({ name, data: readFileSync(join(dir, name)) }));
  }
  console.log('(../shared/fixtures/scorm not found: benchmarking packages built in code)');
  return [
    { name: 'built-12.zip', data: buildScorm12Package({ title: 'Built 1.2 course' }) },
    { name: 'built-2004.zip', data: buildScorm2004Package({ title: 'Built 2004 course' }) },
  ];
}

/** Copies every entry of `source` into a new zip and adds `mediaBytes` of incompressible media, stored. */
export async function withMedia(source: Buffer, mediaBytes: number): Promise<Buffer> {
  const out = new yazl.ZipFile();
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(source, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          out.addBuffer(Buffer.concat(chunks), entry.fileName);
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  out.addBuffer(randomBytes(mediaBytes), 'media/lecture-video.bin', { compress: false });
  out.end();
  const chunks: Buffer[] = [];
  for await (const chunk of out.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes `count` packages cycling through the sources, each padded with media; returns their paths. */
export async function writeBenchPackages(dir: string, count: number, mediaBytes: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const sources = sourcePackages();
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    const path = join(dir, `${String(i + 1).padStart(3, '0')}-${source.name}`);
    writeFileSync(path, await withMedia(source.data, mediaBytes));
    paths.push(path);
  }
  return paths;
}

export function totalBytes(paths: string[]): number {
  return paths.reduce((sum, path) => sum + statSync(path).size, 0);
}

/** Peak resident set size of a process, from the kernel's high-water mark. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

export const MB = 1024 * 1024;
