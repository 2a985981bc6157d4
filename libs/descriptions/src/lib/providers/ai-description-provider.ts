import type { DescribablePackage } from './describable-package';

export interface DescribeOptions {
  /** Aborts the request in flight (the task was cancelled or the server is stopping). */
  signal: AbortSignal;
  /** Called with the text received so far, as it streams in. */
  onText?: (textSoFar: string) => void;
}

/** A model that writes a raw description; the caller cleans it and handles retries. */
export interface AiDescriptionProvider {
  /** Part of the cache key. */
  readonly model: string;
  describe(pkg: DescribablePackage, options: DescribeOptions): Promise<string>;
}
