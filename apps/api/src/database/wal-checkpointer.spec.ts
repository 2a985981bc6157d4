import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_AUTOCHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer';

const PAGE_BYTES = 4096;

describe('WalCheckpointer', () => {
  let dir: string;
  let path: string;
  let connection: Database.Database;
  let errors: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scorm-wal-'));
    path = join(dir, 'test.sqlite');
    connection = new Database(path);
    connection.pragma('journal_mode = WAL');
    connection.exec('CREATE TABLE blob (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    errors = [];
  });

  afterEach(() => {
    connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const checkpointer = (intervalMs: number, databasePath = path) =>
    new WalCheckpointer({ databasePath, connection, intervalMs, onError: (error) => errors.push(error) });

  /** Commits `commits` transactions of `rows` rows, each row filling about one page. */
  const write = (commits: number, rows: number) => {
    const insert = connection.prepare('INSERT INTO blob (data) VALUES (?)');
    const commit = connection.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(PAGE_BYTES - 200, i));
    });
    for (let i = 0; i < commits; i++) commit();
  };

  const autoCheckpointPages = () => connection.pragma('wal_autocheckpoint', { simple: true });

  it('turns off the connection’s own checkpoints and copies the whole WAL into the database from its worker', async () => {
    const worker = checkpointer(60_000);
    await worker.start();
    expect(autoCheckpointPages()).toBe(0);

    // With SQLite's automatic checkpoint the WAL would have restarted after about 1000 pages.
    write(10, 300);
    const sizeBefore = statSync(path).size;
    const result = await worker.checkpoint();
    expect(result.log).toBeGreaterThan(2 * SQLITE_AUTOCHECKPOINT_PAGES);
    expect(result.checkpointed).toBe(result.log);
    expect(statSync(path).size).toBeGreaterThan(sizeBefore + 10 * 300 * (PAGE_BYTES - 200));

    await worker.stop();
    expect(errors).toEqual([]);
  });

  it('checkpoints on its own, every interval', async () => {
    const worker = checkpointer(20);
    await worker.start();
    write(1, 500);
    const expected = 500 * (PAGE_BYTES - 200);
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(statSync(path).size).toBeGreaterThanOrEqual(expected);
    await worker.stop();
  });

  it('hands checkpoints back to the connection when it stops', async () => {
    const worker = checkpointer(60_000);
    await worker.start();
    await worker.stop();
    expect(autoCheckpointPages()).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    await expect(worker.checkpoint()).rejects.toThrow('not running');
  });

  it('leaves the connection checkpointing itself when the worker cannot open the database', async () => {
    const worker = checkpointer(60_000, join(dir, 'missing.sqlite'));
    // Compared by message: the error is made outside jest's realm.
    const failure = await worker.start().then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/unable to open database file/i);
    expect(errors).toEqual([failure]);
    expect(autoCheckpointPages()).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
  });
});
