import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorageService } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { operationLimit, rateLimitedOperation } from './rate-limited-operations';

/**
 * Per-client limits on createSession, uploads, startDescriptions and startMerge, each counted on its own
 * over `rateLimits.windowSeconds`. Counters go through the throttler's storage interface; in memory
 * here, a Redis storage (@nest-lab/throttler-storage-redis) can take its place for several instances.
 */
@Module({})
export class RateLimitsModule {
  static forRoot(config: AppConfig['rateLimits']): DynamicModule {
    return {
      module: RateLimitsModule,
      imports: [
        ThrottlerModule.forRoot({
          storage: new ThrottlerStorageService(),
          throttlers: [
            {
              name: 'default',
              ttl: config.windowSeconds * 1000,
              // shouldSkip lets only limited operations through to here.
              limit: (context) => operationLimit(config, rateLimitedOperation(context) ?? 'createSession'),
            },
          ],
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: ClientThrottlerGuard }],
    };
  }
}
