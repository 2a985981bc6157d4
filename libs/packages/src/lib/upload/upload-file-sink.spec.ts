import { randomBytes } from 'node:crypto';
import { existsSync, fdatasync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UploadFileSink, type UploadFileSinkOptions } from './upload-file-sink';

// The real fdatasync, observed: a flush leaves nothing to see on a running machine.
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, fdatasync: jest.fn(actual.fdatasync) };
});
const flush = fdatasync as unknown as jest.Mock;

describe('UploadFileSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'upload-sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function sink(options: Partial<UploadFileSinkOptions> = {}) {
    const pressure: boolean[] = [];
    const created = new UploadFileSink({
      maxBytes: 1024 * 1024,
      highWaterBytes: 4000,
      onPressure: (paused) => pressure.push(paused),
      ...options,
    });
    return { sink: created, pressure };
  }

  it('writes every byte in order, including what arrived before the file was named', async () => {
    const { sink: file } = sink();
    const data = randomBytes(10_000);
    file.push(data.subarray(0, 1500));
    const written = file.writeTo(join(dir, 'a.part'));
    for (let at = 1500; at < data.length; at += 700) file.push(data.subarray(at, at + 700));
    file.end();
    await expect(written).resolves.toEqual({ receivedBytes: 10_000, truncated: false });
    expect(readFileSync(join(dir, 'a.part')).equals(data)).toBe(true);
  });

  it('writes what has arrived at once, without waiting for more', async () => {
    const { sink: file } = sink();
    const path = join(dir, 'eager.part');
    const written = file.writeTo(path);
    file.push(Buffer.from('first bytes'));
    for (let i = 0; i < 50 && !existsSync(path); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 50 && readFileSync(path, 'utf8') === ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(readFileSync(path, 'utf8')).toBe('first bytes');
    file.end();
    await written;
  });

  it('asks the sender to pause while too much is unwritten, and to go on once it is written', async () => {
    const { sink: file, pressure } = sink();
    file.push(randomBytes(5000));
    expect(pressure).toEqual([true]);
    const written = file.writeTo(join(dir, 'b.part'));
    file.end();
    await written;
    expect(pressure).toEqual([true, false]);
  });

  it('flushes a complete file to disk before it reports it written', async () => {
    flush.mockClear();
    const { sink: file } = sink();
    const written = file.writeTo(join(dir, 'durable.part'));
    file.push(randomBytes(3000));
    file.end();
    await written;
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it('reports a failed flush as a failed write', async () => {
    flush.mockImplementationOnce((_fd: number, callback: (error: Error | null) => void) =>
      callback(new Error('EIO: i/o error, fdatasync')),
    );
    const { sink: file } = sink();
    const written = file.writeTo(join(dir, 'eio.part'));
    file.push(randomBytes(100));
    file.end();
    await expect(written).rejects.toThrow('EIO');
  });

  it('does not flush a file that is refused for its size', async () => {
    flush.mockClear();
    const { sink: file } = sink({ maxBytes: 100 });
    const written = file.writeTo(join(dir, 'big.part'));
    file.push(randomBytes(500));
    file.end();
    await expect(written).resolves.toEqual({ receivedBytes: 500, truncated: true });
    expect(flush).not.toHaveBeenCalled();
  });

  it('drops what passes the size limit and reports the file as truncated', async () => {
    const { sink: file } = sink({ maxBytes: 2500 });
    const written = file.writeTo(join(dir, 'c.part'));
    for (let i = 0; i < 5; i++) file.push(randomBytes(1000));
    file.end();
    await expect(written).resolves.toEqual({ receivedBytes: 5000, truncated: true });
  });

  it('rejects with the abort reason, whether the abort comes before or after the file is named', async () => {
    const early = sink().sink;
    early.push(randomBytes(100));
    early.abort(new Error('client went away'));
    await expect(early.writeTo(join(dir, 'd.part'))).rejects.toThrow('client went away');

    const late = sink().sink;
    const written = late.writeTo(join(dir, 'e.part'));
    late.push(randomBytes(3000));
    late.abort(new Error('malformed'));
    await expect(written).rejects.toThrow('malformed');
  });

  it('never overwrites an existing file', async () => {
    writeFileSync(join(dir, 'taken.part'), 'keep');
    const { sink: file } = sink();
    file.end();
    await expect(file.writeTo(join(dir, 'taken.part'))).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'taken.part'), 'utf8')).toBe('keep');
  });

  it('drops a discarded file and releases the pause it asked for', () => {
    const { sink: file, pressure } = sink();
    file.push(randomBytes(5000));
    file.discard();
    file.push(randomBytes(5000));
    expect(pressure).toEqual([true, false]);
  });
});
