import type { PubSubEngine } from 'graphql-subscriptions';

/**
 * An iterator over a PubSub topic that listens from the moment it is made. graphql-subscriptions'
 * own iterator only attaches on its first next(), after the resolver has returned; an event
 * published in between would reach nobody, so a client re-reading state on connect could still miss it.
 */
export async function attachedSubscription<T>(
  pubSub: PubSubEngine,
  topic: string,
): Promise<AsyncIterableIterator<T>> {
  const queue: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let done = false;
  const subscriptionId = await pubSub.subscribe(
    topic,
    (payload: T) => {
      const next = waiting.shift();
      if (next) next({ value: payload, done: false });
      else queue.push(payload);
    },
    {},
  );
  const finish = (): IteratorResult<T> => {
    if (!done) {
      done = true;
      pubSub.unsubscribe(subscriptionId);
      for (const next of waiting.splice(0)) next({ value: undefined, done: true });
      queue.length = 0;
    }
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: () => Promise.resolve(finish()),
    throw: (error: unknown) => {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Attaches first, then runs `check` (e.g. "the session exists"); detaches again if the check throws. */
export async function subscribeChecked<T>(
  pubSub: PubSubEngine,
  topic: string,
  check: () => Promise<unknown>,
): Promise<AsyncIterableIterator<T>> {
  const iterator = await attachedSubscription<T>(pubSub, topic);
  try {
    await check();
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  return iterator;
}
