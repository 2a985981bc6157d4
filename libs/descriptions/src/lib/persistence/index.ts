import { DescriptionCacheEntity } from './description-cache.entity';
import { DescriptionTaskItemEntity } from './description-task-item.entity';
import { DescriptionTaskEntity } from './description-task.entity';

export { DescriptionCacheEntity, DescriptionTaskEntity, DescriptionTaskItemEntity };
export { ITEM_STATUSES, type ItemStatusValue } from './description-task-item.entity';
export { toSqliteDatetime } from './sqlite-datetime';

export const DESCRIPTIONS_ENTITIES = [
  DescriptionTaskEntity,
  DescriptionTaskItemEntity,
  DescriptionCacheEntity,
];
