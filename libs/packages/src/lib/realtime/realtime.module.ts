import { Global, Module } from '@nestjs/common';
import { PubSub, type PubSubEngine } from 'graphql-subscriptions';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { RedisConnections } from '../redis/redis-connections';
import { PrefixedRedisPubSub } from './prefixed-redis-pubsub';

/**
 * The PubSub (a graphql-subscriptions PubSubEngine) that GraphQL subscriptions read from; listeners of
 * domain events publish into it. In memory for one process; through Redis with REDIS_URL, so a
 * subscriber on any instance hears every instance's events.
 */
export const PUB_SUB = Symbol('PUB_SUB');
const SUBSCRIBER_READY_WAIT_MS = 10_000;

@Global()
@Module({
  providers: [
    {
      provide: PUB_SUB,
      useFactory: async (redis: RedisConnections): Promise<PubSubEngine> => {
        if (!redis.settings) return new PubSub();
        const publisher = redis.connect('pubsub-publisher');
        // ioredis subscribes again by itself after a reconnect; a SUBSCRIBE sent before the first ready
        // can be lost, so the first subscriptions (made at start-up) wait for it, up to a bound.
        const subscriber = redis.connect('pubsub-subscriber');
        await Promise.race([once(subscriber, 'ready'), delay(SUBSCRIBER_READY_WAIT_MS)]);
        return new PrefixedRedisPubSub(redis.settings.keyPrefix, { publisher, subscriber });
      },
      inject: [RedisConnections],
    },
  ],
  exports: [PUB_SUB],
})
export class RealtimeModule {}
