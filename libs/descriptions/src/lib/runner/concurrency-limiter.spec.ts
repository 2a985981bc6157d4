import { ConcurrencyLimiter } from './concurrency-limiter';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ConcurrencyLimiter', () => {
  it('never runs more than the limit at once and runs waiters in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.run(async () => {
          running++;
          most = Math.max(most, running);
          order.push(i);
          await tick(2 + (i % 3));
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(order).toEqual([...Array(12).keys()]);
    expect(limiter.running).toBe(0);
  });

  it('lets a waiter whose signal aborts leave the queue at once, without running it', async () => {
    const limiter = new ConcurrencyLimiter(1);
    let release!: () => void;
    const blocker = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter.run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    release();
    await blocker;
    await tick();
    expect(ran).toBe(false);
    expect(limiter.running).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new ConcurrencyLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(/positive integer/);
  });
});
