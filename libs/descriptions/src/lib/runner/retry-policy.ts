import { DescriptionProviderError } from './provider-error';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
}

export function isRetryable(error: unknown): boolean {
  // Anything the provider did not classify (a stream cut mid-body, a socket reset) is treated as transient.
  return error instanceof DescriptionProviderError ? error.retryable : true;
}

/**
 * Delay before retry number `retry` (1-based). A server's Retry-After wins (capped), with a little
 * jitter on top only, since it means "not before"; otherwise exponential backoff with equal jitter,
 * so many clients rate-limited together do not come back in lockstep.
 */
export function retryDelayMs(
  error: unknown,
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const asked = error instanceof DescriptionProviderError ? error.retryAfterMs : null;
  if (asked !== null) {
    const wait = Math.min(asked, policy.maxRetryAfterMs);
    return Math.round(wait + random() * Math.min(250, wait * 0.1));
  }
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
