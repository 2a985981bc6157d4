import { removeTempFiles, writeTempFile } from '../../testing';
import { InspectionWorker } from './inspection-worker';
import { PackageError } from './package-error';

afterAll(() => removeTempFiles());

/**
 * A stand-in worker speaking the same protocol as serveInspections (the real one is TypeScript and runs
 * bundled; the API e2e suites upload through it). The zip path says how to answer.
 */
const FAKE_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, zipPath }) => {
  if (zipPath === 'die') process.exit(3);
  if (zipPath === 'bad') return parentPort.postMessage({ id, error: { message: 'The file is not a zip archive.', packageError: true } });
  if (zipPath === 'boom') return parentPort.postMessage({ id, error: { message: 'EACCES: permission denied', packageError: false } });
  setTimeout(() => parentPort.postMessage({ id, facts: { title: 'Facts of ' + zipPath } }), zipPath === 'slow' ? 50 : 0);
});
`;

describe('InspectionWorker', () => {
  const script = writeTempFile(Buffer.from(FAKE_WORKER), 'fake-inspection-worker.js');

  it('answers each request with its own facts, in any order', async () => {
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

  it('fails the requests a dead worker held, and starts a new one for the next', async () => {
    const worker = new InspectionWorker(script);
    try {
      const held = worker.inspect('slow', { filename: 'slow.zip' });
      const killer = worker.inspect('die', { filename: 'die.zip' });
      await expect(killer).rejects.toThrow(/exited \(3\)/);
      await expect(held).rejects.toThrow(/exited \(3\)/);
      expect(await worker.inspect('after', { filename: 'after.zip' })).toEqual({ title: 'Facts of after' });
    } finally {
      await worker.close();
    }
  });
});
