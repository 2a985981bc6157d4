import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DESCRIPTIONS_ENTITIES, DescriptionsModule } from '@scorm-merge/descriptions';
import {
  MergesModule,
  PACKAGES_ENTITIES,
  PackagesConfigModule,
  PackagesModule,
  PreviewModule,
  RealtimeModule,
  RetentionModule,
  SessionsModule,
  StorageModule,
  UploadModule,
} from '@scorm-merge/packages';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config/app-config';
import { MIGRATIONS } from './database/migrations';
import { WalCheckpointService } from './database/wal-checkpoint.service';
import { RestExceptionFilter } from './errors/rest-exception.filter';
import { graphqlHardening } from './graphql/graphql-hardening';
import { OutOfStorageInterceptor } from './faults/out-of-storage.interceptor';
import { DatabaseWriteProbe } from './health/database-write-probe';
import { ExplorerModule } from './explorer/explorer.module';
import { HealthController } from './health/health.controller';
import { RateLimitsModule } from './rate-limits/rate-limits.module';

export const DATABASE_FILE = 'scorm-merge.sqlite';

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
    return {
      module: AppModule,
      imports: [
        EventEmitterModule.forRoot(),
        RealtimeModule,
        TypeOrmModule.forRoot({
          type: 'better-sqlite3',
          database: join(config.server.dataDir, DATABASE_FILE),
          enableWAL: true,
          // WAL with synchronous=NORMAL survives a killed process; only an OS crash can lose the last commits.
          prepareDatabase: (db: { pragma(sql: string): unknown }) => {
            db.pragma('synchronous = NORMAL');
            db.pragma('busy_timeout = 5000');
          },
          entities: [...PACKAGES_ENTITIES, ...DESCRIPTIONS_ENTITIES],
          migrations: MIGRATIONS,
          migrationsRun: true,
          synchronize: false,
        }),
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
        RateLimitsModule.forRoot(config.rateLimits),
        ExplorerModule.forRoot(config.explorer),
      ],
      controllers: [HealthController],
      providers: [
        WalCheckpointService,
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
