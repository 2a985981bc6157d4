import { PubSub } from 'graphql-subscriptions';
import { attachedSubscription, subscribeChecked } from './attached-subscription';

describe('attachedSubscription', () => {
  it('delivers events published before the first next(), in order', async () => {
    const pubSub = new PubSub();
    const iterator = await attachedSubscription<number>(pubSub, 'topic');
    await pubSub.publish('topic', 1);
    await pubSub.publish('topic', 2);
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    expect(await iterator.next()).toEqual({ value: 2, done: false });
    const pending = iterator.next();
    await pubSub.publish('topic', 3);
    expect(await pending).toEqual({ value: 3, done: false });
  });

  it('stops listening on return(), ending a pending next()', async () => {
    const pubSub = new PubSub();
    const iterator = await attachedSubscription<number>(pubSub, 'topic');
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    await pubSub.publish('topic', 1);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('detaches when the check fails, and passes the error on', async () => {
    const pubSub = new PubSub();
    const unsubscribe = jest.spyOn(pubSub, 'unsubscribe');
    await expect(
      subscribeChecked(pubSub, 'topic', () => Promise.reject(new Error('Session x not found'))),
    ).rejects.toThrow('Session x not found');
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });
});
