import { RedisPubSub, type PubSubRedisOptions } from 'graphql-redis-subscriptions';

/**
 * graphql-redis-subscriptions' PubSub with every channel under a prefix (its triggerTransform renames
 * subscriptions only), so deployments and tests sharing one Redis never hear each other.
 */
export class PrefixedRedisPubSub extends RedisPubSub {
  constructor(
    private readonly prefix: string,
    options: PubSubRedisOptions,
  ) {
    super({ ...options, triggerTransform: (trigger) => `${prefix}:${String(trigger)}` });
  }

  override publish<T>(trigger: string, payload: T): Promise<void> {
    return super.publish(`${this.prefix}:${trigger}`, payload);
  }
}
