import { removeTempFiles, writeTempFile } from '../../testing';
import { InspectionWorker } from './inspection-worker';
import { PackageError } from '../package-error';

afterAll(() => removeTempFiles());

/**
 * A stand-in worker speaking the same protocol as serveInspections (the real one is TypeScript and runs
 * bundled; the API e2e suites upload through it). The zip path says how to answer.
 */
const FAKE_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, zipPath }) => {
  if (zipPath === 'die') process.exit(3);
  if (zipPath === 'hog') { const hoard = []; for (;;) hoard.push(new Array(100000).fill(zipPath)); }
  if (zipPath === 'bad') return parentPort.postMessage({ id, error: { message: 'The file is not a zip archive.', packageError: true } });
  if (zipPath === 'boom') return parentPort.postMessage({ id, error: { message: 'EACCES: permission denied', packageError: false } });
  setTimeout(() => parentPort.postMessage({ id, facts: { title: 'Facts of ' + zipPath } }), zipPath === 'slow' ? 50 : 0);
});
`;

describe('InspectionWorker', () => {
  const script = writeTempFile(Buffer.from(FAKE_WORKER), 'fake-inspection-worker.js');

  it('answers each request with its own facts', async () => {
    const worker = new InspectionWorker(script);
    try {
      const slow = worker.inspect('slow', { filename: 'slow.zip' });
      const quick = worker.inspect('quick', { filename: 'quick.zip' });
      expect(await quick).toEqual({ title: 'Facts of quick' });
      expect(await slow).toEqual({ title: 'Facts of slow' });
    } finally {
      await worker.close();
    }
  });

  it('rejects with a PackageError for a bad package and a plain Error for anything else', async () => {
    const worker = new InspectionWorker(script);
    try {
      const bad = await worker.inspect('bad', { filename: 'bad.zip' }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(PackageError);
      expect((bad as Error).message).toBe('The file is not a zip archive.');
      const boom = await worker.inspect('boom', { filename: 'boom.zip' }).catch((e: unknown) => e);
      expect(boom).not.toBeInstanceOf(PackageError);
      expect((boom as Error).message).toBe('EACCES: permission denied');
    } finally {
      await worker.close();
    }
  });

  it('fails only the package that killed the worker, and gives the queued ones to a new worker', async () => {
    const worker = new InspectionWorker(script);
    try {
      const before = worker.inspect('slow', { filename: 'slow.zip' });
      const killer = worker.inspect('die', { filename: 'die.zip' });
      const after = worker.inspect('after', { filename: 'after.zip' });
      expect(await before).toEqual({ title: 'Facts of slow' });
      await expect(killer).rejects.toThrow(/exited \(3\)/);
      expect(await after).toEqual({ title: 'Facts of after' });
    } finally {
      await worker.close();
    }
  });

  it('names a package that ran the worker out of memory, and carries on', async () => {
    const worker = new InspectionWorker(script, { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 });
    try {
      const hog = await worker.inspect('hog', { filename: 'hog.zip' }).catch((e: unknown) => e);
      expect(hog).toBeInstanceOf(PackageError);
      expect((hog as Error).message).toMatch(/more memory than the server allows/);
      expect(await worker.inspect('next', { filename: 'next.zip' })).toEqual({ title: 'Facts of next' });
    } finally {
      await worker.close();
    }
  });
});
