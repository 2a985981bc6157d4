import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fdatasync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UploadFileSink, type UploadFileSinkOptions } from './upload-file-sink';

// The real fdatasync and closeSync, observed: a flush leaves nothing to see on a running machine.
jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, fdatasync: jest.fn(actual.fdatasync), closeSync: jest.fn(actual.closeSync) };
});
const flush = fdatasync as unknown as jest.Mock;
const close = closeSync as unknown as jest.Mock;
const realFlush = jest.requireActual<typeof import('node:fs')>('node:fs').fdatasync;
type FlushCallback = (error: Error | null) => void;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('timed out waiting');
}

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
    flush.mockImplementationOnce((_fd: number, callback: FlushCallback) =>
      callback(new Error('EIO: i/o error, fdatasync')),
    );
    const { sink: file } = sink();
    const written = file.writeTo(join(dir, 'eio.part'));
    file.push(randomBytes(100));
    file.end();
    await expect(written).rejects.toThrow('EIO');
  });

  it('flushes while the upload goes on, so only the tail is left to flush at the end', async () => {
    flush.mockClear();
    const { sink: file } = sink({ flushStepBytes: 4000, highWaterBytes: 100_000 });
    const path = join(dir, 'streamed.part');
    const written = file.writeTo(path);
    const data = randomBytes(5100);
    file.push(data.subarray(0, 5000));
    await until(() => flush.mock.calls.length === 1);
    file.push(data.subarray(5000));
    file.end();
    await written;
    expect(flush).toHaveBeenCalledTimes(2);
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it('does not flush again at the end when a flush during the upload holds every byte', async () => {
    flush.mockClear();
    let flushed = false;
    flush.mockImplementationOnce((fd: number, callback: FlushCallback) =>
      realFlush(fd, (error) => {
        flushed = true;
        callback(error);
      }),
    );
    const { sink: file } = sink({ flushStepBytes: 4000, highWaterBytes: 100_000 });
    const written = file.writeTo(join(dir, 'covered.part'));
    file.push(randomBytes(5000));
    await until(() => flushed);
    file.end();
    await written;
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it.each(['ends', 'breaks off'])(
    'keeps the file open until a running flush returns when the upload %s',
    async (how) => {
      flush.mockClear();
      close.mockClear();
      let closesWhenFlushed = -1;
      flush.mockImplementationOnce((fd: number, callback: FlushCallback) =>
        setTimeout(
          () =>
            realFlush(fd, (error) => {
              closesWhenFlushed = close.mock.calls.length;
              callback(error);
            }),
          30,
        ),
      );
      const { sink: file } = sink({ flushStepBytes: 4000, highWaterBytes: 100_000 });
      const written = file.writeTo(join(dir, 'broken-off.part'));
      file.push(randomBytes(5000));
      await until(() => flush.mock.calls.length === 1);
      if (how === 'ends') {
        file.end();
        await written;
      } else {
        file.abort(new Error('client went away'));
        await expect(written).rejects.toThrow('client went away');
      }
      expect(closesWhenFlushed).toBe(0);
      expect(close).toHaveBeenCalledTimes(1);
    },
  );

  it('reports a flush that fails during the upload as a failed write', async () => {
    flush.mockImplementationOnce((_fd: number, callback: FlushCallback) =>
      callback(new Error('EIO: i/o error, fdatasync')),
    );
    const { sink: file } = sink({ flushStepBytes: 1000, highWaterBytes: 100_000 });
    const written = file.writeTo(join(dir, 'eio-midway.part'));
    file.push(randomBytes(3000));
    await until(() => flush.mock.calls.length >= 1);
    file.push(randomBytes(3000));
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
