import { MergeEntity } from './merge.entity';
import { PackageEntity } from './package.entity';
import { SessionEntity } from './session.entity';

export { MergeEntity, PackageEntity, SessionEntity };
export type { MergedModuleRecord } from './merge.entity';
export { DESCRIPTION_SOURCES, type DescriptionSourceValue } from './package.entity';

export const PACKAGES_ENTITIES = [SessionEntity, PackageEntity, MergeEntity];
export { SqliteConnection } from './sqlite-connection';
