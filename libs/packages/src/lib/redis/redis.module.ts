import { type DynamicModule, Global, Module } from '@nestjs/common';
import { JobQueueFactory } from './job-queue.factory';
import { RedisConnections } from './redis-connections';
import { REDIS_SETTINGS, type RedisSettings } from './redis-settings';

/** Redis connections and BullMQ queues for several instances; inert when `settings` is null. */
@Global()
@Module({})
export class RedisModule {
  static forRoot(settings: RedisSettings | null): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS_SETTINGS, useValue: settings }, RedisConnections, JobQueueFactory],
      exports: [REDIS_SETTINGS, RedisConnections, JobQueueFactory],
    };
  }
}
