import { Global, Module } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { RedisConnections } from '../redis/redis-connections';
import { PrefixedRedisPubSub } from './prefixed-redis-pubsub';

/**
 * The PubSub (a graphql-subscriptions PubSubEngine) that GraphQL subscriptions read from; listeners of
 * domain events publish into it. In memory for one process; through Redis with REDIS_URL, so a
 * subscriber on any instance hears every instance's events.
 */
export const PUB_SUB = Symbol('PUB_SUB');

@Global()
@Module({
  providers: [
    {
      provide: PUB_SUB,
      useFactory: (redis: RedisConnections) =>
        redis.settings
          ? new PrefixedRedisPubSub(redis.settings.keyPrefix, {
              publisher: redis.connect('pubsub-publisher'),
              // ioredis subscribes again by itself after a reconnect.
              subscriber: redis.connect('pubsub-subscriber'),
            })
          : new PubSub(),
      inject: [RedisConnections],
    },
  ],
  exports: [PUB_SUB],
})
export class RealtimeModule {}
