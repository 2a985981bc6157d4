/**
 * Sizes libuv's thread pool; imported first in main.ts, as the pool takes the size when it first runs a task.
 * Every finished upload is flushed to disk (fdatasync) on a pool thread before it is recorded: with the
 * default 4 threads, 4 flushes waiting on the disk held up the writes of every other upload.
 */
process.env['UV_THREADPOOL_SIZE'] ??= '16';
