import type { ProgressStream } from './output/progress-display';

/** The process's streams and interrupt signal, passed in so tests can run the CLI in memory. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Aborted on Ctrl-C: a merge stops and removes its partial file. */
  signal?: AbortSignal;
}
