import type Sqlite from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** SQLite's own default, restored whenever the worker is not there to do the work. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  databasePath: string;
  /** The application's connection: its automatic checkpoints are off while the worker runs. */
  connection: Sqlite.Database;
  intervalMs: number;
  onError(message: string): void;
}

/**
 * The worker's whole program, plain JavaScript so the bundled server needs no second entry point.
 * A PASSIVE checkpoint never waits for readers or writers; it copies what it can.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// Errors are sent as text: the driver's own error class would arrive as an object without its message.
const fail = (error) => {
  parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
  // Ending the worker hands checkpoints back to the application's connection.
  process.exit(1);
};
let db;
try {
  const Database = require(workerData.driverPath);
  db = new Database(workerData.databasePath, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
} catch (error) {
  fail(error);
}
const checkpoint = () => {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  return { log: row.log, checkpointed: row.checkpointed };
};
const timer = setInterval(() => {
  try {
    checkpoint();
  } catch (error) {
    fail(error);
  }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message.type === 'checkpoint') {
    try {
      parentPort.postMessage({ type: 'checkpointed', id: message.id, result: checkpoint() });
    } catch (error) {
      parentPort.postMessage({ type: 'checkpointed', id: message.id, error: String(error.message) });
    }
  } else if (message.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'checkpointed'; id: number; result?: CheckpointResult; error?: string };

/**
 * Moves WAL pages into the database file from a worker thread.
 *
 * Why: a checkpoint ends in fsync, and better-sqlite3 is synchronous. SQLite's automatic checkpoint
 * runs inside whichever commit crosses the threshold, so while uploads fill the page cache that fsync
 * held the event loop for up to 0.9 s here. The worker's own connection does it beside the event loop.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve(result: CheckpointResult): void; reject(error: Error): void }
  >();

  constructor(private readonly options: WalCheckpointerOptions) {}

  /** Starts the worker; once it has its connection, the application's automatic checkpoints stop. */
  start(): Promise<void> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driverPath: createRequire(__filename).resolve('better-sqlite3'),
        databasePath: this.options.databasePath,
        intervalMs: this.options.intervalMs,
      },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          ready = true;
          this.options.connection.pragma('wal_autocheckpoint = 0');
          resolve();
        } else if (message.type === 'error') {
          this.options.onError(message.message);
          if (!ready) reject(new Error(message.message));
        } else {
          const waiter = this.waiting.get(message.id);
          this.waiting.delete(message.id);
          if (message.result) waiter?.resolve(message.result);
          else waiter?.reject(new Error(message.error));
        }
      });
      worker.on('error', (thrown) => {
        const error = workerError(thrown);
        this.options.onError(error.message);
        if (!ready) reject(error);
      });
      worker.on('exit', () => {
        if (this.worker === worker) this.worker = null;
        // Whatever ended the worker, commits must go on checkpointing themselves or the WAL grows without end.
        this.restoreAutoCheckpoint();
        for (const waiter of this.waiting.values()) waiter.reject(new Error('the checkpoint worker stopped'));
        this.waiting.clear();
        if (!ready) reject(new Error('the checkpoint worker stopped before it was ready'));
      });
    });
  }

  /** Checkpoints now, in the worker. */
  checkpoint(): Promise<CheckpointResult> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the checkpoint worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ type: 'checkpoint', id });
    });
  }

  /** Closes the worker's connection and hands checkpoints back to the application's connection. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'stop' });
    await exited;
  }

  private restoreAutoCheckpoint(): void {
    if (this.options.connection.open) {
      this.options.connection.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    }
  }
}

/** What a worker threw arrives cloned, and a class the cloning does not know loses its message. */
function workerError(thrown: unknown): Error {
  const message = (thrown as { message?: unknown } | null)?.message;
  return new Error(typeof message === 'string' ? message : JSON.stringify(thrown));
}
