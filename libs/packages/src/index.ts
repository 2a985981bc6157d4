import { MergeEntity } from './lib/merges/merge.entity';
import { MergesResolver } from './lib/merges/merges.resolver';
import { PackageEntity } from './lib/packages/package.entity';
import { PackagesResolver } from './lib/packages/packages.resolver';
import { PreviewResolver } from './lib/preview/preview.resolver';
import { SessionPackagesResolver } from './lib/packages/session-packages.resolver';
import { SessionEntity } from './lib/sessions/session.entity';
import { SessionsResolver } from './lib/sessions/sessions.resolver';

// Nest feature modules, in the order a request meets them.
export { PackagesConfigModule } from './lib/packages-config.module';
export type { PackagesOptions } from './lib/packages-options';
export { RedisModule } from './lib/redis/redis.module';
export { RealtimeModule, PUB_SUB } from './lib/realtime/realtime.module';
export { SessionsModule } from './lib/sessions/sessions.module';
export { UploadModule } from './lib/upload/upload.module';
export { PackagesModule } from './lib/packages/packages.module';
export { MergesModule } from './lib/merges/merges.module';
export { StorageModule } from './lib/storage/storage.module';
export { RetentionModule } from './lib/retention/retention.module';
export { PreviewModule } from './lib/preview/preview.module';
export type { PreviewOptions } from './lib/preview/preview-options';
export { CONTENT_SANDBOX } from './lib/preview/preview-content.controller';

// What other modules use through them.
export { SessionsService } from './lib/sessions/sessions.service';
export { SessionWorkRegistry, type SessionWorkProbe } from './lib/sessions/session-work.registry';
export {
  StorageSpace,
  type StorageState,
  OUT_OF_STORAGE_MESSAGE,
  isOutOfSpaceError,
} from './lib/storage/storage-space';
export { SessionModel } from './lib/sessions/models/session.model';
export { PackagesService } from './lib/packages/packages.service';
export { PackageModel, DescriptionSource } from './lib/packages/models/package.model';
export { toPackageView } from './lib/packages/package-view';
export { DESCRIPTION_SOURCES, type DescriptionSourceValue } from './lib/packages/package.entity';
export { MergesService } from './lib/merges/merges.service';
export { MergeModel, MergeProgressModel, MergedModuleModel } from './lib/merges/models/merge.model';
export { subscribeChecked } from './lib/realtime/attached-subscription';
export {
  sqlDatabaseFor,
  type SqlDatabase,
  type SqlDialect,
  type SqlExecutor,
} from './lib/persistence/sql-database';
export { isUniqueViolation } from './lib/persistence/unique-violation';
export { usePostgresColumnTypes } from './lib/persistence/dialect-column-types';
export { RedisConnections } from './lib/redis/redis-connections';
export { REDIS_SETTINGS, type RedisSettings } from './lib/redis/redis-settings';
export { JobQueueFactory, JobQueueUnavailableError } from './lib/redis/job-queue.factory';
export { KeyedLock } from './lib/shared/keyed-lock';
export { TaskStatus, ACTIVE_TASK_STATUSES } from './lib/shared/task-status';
export { MergeEntity, PackageEntity, SessionEntity };
export type { MergedModuleRecord } from './lib/merges/merge.entity';

/** Every table of this lib, for the TypeORM data source and its migrations. */
export const PACKAGES_ENTITIES = [SessionEntity, PackageEntity, MergeEntity];
/** Every resolver of this lib; the API's schema.gql is printed from these. */
export const PACKAGES_RESOLVERS = [
  SessionsResolver,
  PackagesResolver,
  SessionPackagesResolver,
  MergesResolver,
  PreviewResolver,
];
