/**
 * Sizes libuv's thread pool; imported first in main.ts, as the pool takes the size when it first runs a task.
 * Each upload is flushed to disk (fdatasync) on a pool thread while it streams in and before it is
 * recorded, beside its writes: with the default 4 threads, flushes waiting on the disk held up the writes
 * of every other upload.
 */
process.env['UV_THREADPOOL_SIZE'] ??= '16';
