import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  it('runs tasks of one key one at a time, in order, even when one fails', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const slow =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      lock.run('a', slow('1', 20, true)),
      lock.run('a', slow('2', 5)),
      lock.run('b', slow('3', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('end 1')).toBeLessThan(log.indexOf('start 2'));
    expect(log.indexOf('start 3')).toBeLessThan(log.indexOf('end 1'));
  });
});
