import { DescriptionProviderError, parseRetryAfter } from './provider-error';
import { retryDelayMs, type RetryPolicy } from './retry-policy';
import { withRetries } from './with-retries';

const policy: RetryPolicy = { maxRetries: 3, backoffBaseMs: 10, backoffMaxMs: 40, maxRetryAfterMs: 1000 };
const transient = (message = 'HTTP 500') =>
  new DescriptionProviderError(message, { retryable: true, status: 500 });

describe('withRetries', () => {
  it('retries transient failures and reports the attempts it took', async () => {
    let calls = 0;
    const outcome = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw transient();
        return 'text';
      },
      policy,
      new AbortController().signal,
    );
    expect(outcome).toEqual({ ok: true, value: 'text', attempts: 3 });
  });

  it('gives up after maxRetries, returning the last error instead of throwing', async () => {
    const delays: number[] = [];
    const outcome = await withRetries(
      async (n) => {
        throw transient(`failure ${n}`);
      },
      policy,
      new AbortController().signal,
      { onRetry: (_e, _r, delay) => delays.push(delay), random: () => 0 },
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 4 });
    expect((outcome as { error: Error }).error.message).toBe('failure 4');
    // Exponential, capped at backoffMaxMs; random()=0 gives the lower half of each window.
    expect(delays).toEqual([5, 10, 20]);
  });

  it('does not retry what cannot get better (e.g. 401)', async () => {
    let calls = 0;
    const outcome = await withRetries(
      async () => {
        calls++;
        throw new DescriptionProviderError('HTTP 401', { retryable: false, status: 401 });
      },
      policy,
      new AbortController().signal,
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(calls).toBe(1);
  });

  it('waits what Retry-After asks, and throws at once when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = withRetries(
      async () => {
        throw new DescriptionProviderError('HTTP 429', {
          retryable: true,
          status: 429,
          retryAfterMs: 10_000,
        });
      },
      { ...policy, maxRetryAfterMs: 60_000 },
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('cancelled')), 30);
    await expect(running).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('retryDelayMs', () => {
  it('honours Retry-After (capped), adding jitter only upwards', () => {
    const asked = new DescriptionProviderError('429', { retryable: true, retryAfterMs: 2000 });
    expect(retryDelayMs(asked, 1, { ...policy, maxRetryAfterMs: 5000 }, () => 0)).toBe(2000);
    expect(retryDelayMs(asked, 1, { ...policy, maxRetryAfterMs: 5000 }, () => 1)).toBe(2200);
    expect(retryDelayMs(asked, 1, policy, () => 0)).toBe(1000);
  });

  it('spreads backoff between half and all of the exponential window', () => {
    expect(retryDelayMs(transient(), 2, policy, () => 0)).toBe(10);
    expect(retryDelayMs(transient(), 2, policy, () => 1)).toBe(20);
    expect(retryDelayMs(transient(), 10, policy, () => 1)).toBe(40);
  });
});

describe('parseRetryAfter', () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it('prefers retry-after-ms, then Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '1.5' }))).toBe(1500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
  });

  it('is null when absent or unreadable', () => {
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter(headers({}))).toBeNull();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeNull();
  });
});
