import { sleep } from './abortable-sleep';
import { isRetryable, retryDelayMs, type RetryPolicy } from './retry-policy';

export type RetryOutcome<T> =
  { ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number };

export interface RetryHooks {
  onRetry?(error: unknown, retry: number, delayMs: number): void;
  random?: () => number;
}

/**
 * Calls `attempt` until it succeeds, fails with a non-retryable error, or the retries run out.
 * Returns the outcome instead of throwing; only an abort of `signal` is thrown, so a cancel is never
 * mistaken for a failure that deserves a fallback.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  hooks: RetryHooks = {},
): Promise<RetryOutcome<T>> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (signal.aborted) throw signal.reason;
    try {
      return { ok: true, value: await attempt(attemptNumber), attempts: attemptNumber };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const retry = attemptNumber;
      if (retry > policy.maxRetries || !isRetryable(error))
        return { ok: false, error, attempts: attemptNumber };
      const delay = retryDelayMs(error, retry, policy, hooks.random);
      hooks.onRetry?.(error, retry, delay);
      await sleep(delay, signal);
    }
  }
}
