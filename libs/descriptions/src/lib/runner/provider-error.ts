/**
 * A failed request to a description provider, classified once by the provider so the retry loop
 * needs no knowledge of any SDK.
 */
export class DescriptionProviderError extends Error {
  readonly retryable: boolean;
  /** What the server asked for (Retry-After / retry-after-ms), in milliseconds; null when it said nothing. */
  readonly retryAfterMs: number | null;
  readonly status: number | null;

  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number | null; status?: number | null; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'DescriptionProviderError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.status = options.status ?? null;
  }
}

/** HTTP statuses worth another try: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Milliseconds a response asks the client to wait: `retry-after-ms` (OpenAI's, more precise) first,
 * then `Retry-After` as seconds or as an HTTP date. Null when absent or unreadable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | null {
  if (!headers) return null;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
