import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DescriptionsModule } from '@scorm-merge/descriptions';
import {
  MergesModule,
  PackagesConfigModule,
  PackagesModule,
  PreviewModule,
  RealtimeModule,
  RedisModule,
  RetentionModule,
  SessionsModule,
  StorageModule,
  UploadModule,
} from '@scorm-merge/packages';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config/app-config';
import { postgresOptions, sqliteOptions, startPostgres } from './database/database-options';
import { WalCheckpointService } from './database/wal-checkpoint.service';
import { RestExceptionFilter } from './errors/rest-exception.filter';
import { graphqlHardening } from './graphql/graphql-hardening';
import { OutOfStorageInterceptor } from './faults/out-of-storage.interceptor';
import { DatabaseWriteProbe } from './health/database-write-probe';
import { ExplorerModule } from './explorer/explorer.module';
import { HealthController } from './health/health.controller';
import { RateLimitsModule } from './rate-limits/rate-limits.module';

/** The worker bundled beside main.js; absent when the sources run unbundled (unit tests). */
function builtInspectionWorker(): string | undefined {
  const script = join(__dirname, 'inspection-worker.js');
  return existsSync(script) ? script : undefined;
}

/** scorm-again's cross-frame API: copied beside main.js by the build, read from node_modules unbundled. */
function crossFrameApiScript(): string {
  const built = join(__dirname, 'preview', 'cross-frame-api.min.js');
  return existsSync(built)
    ? built
    : join(__dirname, '..', '..', '..', 'node_modules', 'scorm-again', 'dist', 'cross-frame-api.min.js');
}

/** Composition only: configuration, persistence, GraphQL and the feature modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    mkdirSync(config.server.dataDir, { recursive: true });
    const graphql = graphqlHardening(config);
    const postgresUrl = config.server.databaseUrl;
    return {
      module: AppModule,
      imports: [
        EventEmitterModule.forRoot(),
        RedisModule.forRoot(
          config.redisUrl
            ? {
                url: config.redisUrl,
                keyPrefix: config.redis.keyPrefix,
                stalledAfterMs: config.jobs.stalledAfterMs,
              }
            : null,
        ),
        RealtimeModule,
        // DATABASE_URL selects PostgreSQL; without it, the embedded SQLite file in DATA_DIR.
        postgresUrl
          ? TypeOrmModule.forRootAsync({
              useFactory: () => postgresOptions(postgresUrl),
              dataSourceFactory: (options) => startPostgres(options as Parameters<typeof startPostgres>[0]),
            })
          : TypeOrmModule.forRoot(sqliteOptions(config.server.dataDir)),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          playground: false,
          introspection: true,
          // Limits and error masking, the same over HTTP and graphql-ws.
          ...graphql.apollo,
          subscriptions: { 'graphql-ws': { path: '/graphql', ...graphql.graphqlWs } },
        }),
        PackagesConfigModule.forRoot({
          dataDir: config.server.dataDir,
          upload: config.upload,
          storage: config.storage,
          retention: config.retention,
          packageLimits: config.packageLimits,
          inspectionWorkerScript: builtInspectionWorker(),
        }),
        SessionsModule,
        UploadModule,
        PackagesModule,
        MergesModule,
        StorageModule,
        RetentionModule,
        PreviewModule.forRoot({ ...config.preview, crossFrameApiScript: crossFrameApiScript() }),
        DescriptionsModule.forRoot({ openai: config.openai, descriptions: config.descriptions }),
        RateLimitsModule.forRoot(config.rateLimits, config.redisUrl !== null),
        ExplorerModule.forRoot(config.explorer),
      ],
      controllers: [HealthController],
      providers: [
        // SQLite only: PostgreSQL checkpoints itself.
        ...(postgresUrl ? [] : [WalCheckpointService]),
        {
          provide: APP_FILTER,
          useFactory: (adapterHost: HttpAdapterHost) =>
            new RestExceptionFilter(adapterHost, config.server.exposeErrors),
          inject: [HttpAdapterHost],
        },
        DatabaseWriteProbe,
        { provide: APP_INTERCEPTOR, useClass: OutOfStorageInterceptor },
      ],
    };
  }
}
