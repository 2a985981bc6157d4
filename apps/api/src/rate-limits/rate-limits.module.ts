import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerOptions, ThrottlerStorageService } from '@nestjs/throttler';
import { RedisConnections } from '@scorm-merge/packages';
import type { AppConfig } from '../config/app-config';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { operationLimit, rateLimitedOperation } from './rate-limited-operations';
import { SharedThrottlerStorage } from './shared-throttler-storage';

/**
 * Per-client limits on createSession, uploads, startDescriptions and startMerge, each counted on its own
 * over `rateLimits.windowSeconds`. Counters go through the throttler's storage interface: in memory for
 * one process, in Redis (SharedThrottlerStorage) with REDIS_URL, so every instance counts together.
 */
@Module({})
export class RateLimitsModule {
  static forRoot(config: AppConfig['rateLimits'], shared: boolean): DynamicModule {
    const throttlers: ThrottlerOptions[] = [
      {
        name: 'default',
        ttl: config.windowSeconds * 1000,
        // shouldSkip lets only limited operations through to here.
        limit: (context) => operationLimit(config, rateLimitedOperation(context) ?? 'createSession'),
      },
    ];
    return {
      module: RateLimitsModule,
      imports: [
        shared
          ? ThrottlerModule.forRootAsync({
              inject: [RedisConnections],
              useFactory: (redis: RedisConnections) => ({
                throttlers,
                storage: new SharedThrottlerStorage(
                  redis.connect('rate-limits', {
                    enableOfflineQueue: false,
                    keyPrefix: `${redis.settings?.keyPrefix}:throttler:`,
                  }),
                ),
              }),
            })
          : ThrottlerModule.forRoot({ storage: new ThrottlerStorageService(), throttlers }),
      ],
      providers: [{ provide: APP_GUARD, useClass: ClientThrottlerGuard }],
    };
  }
}
