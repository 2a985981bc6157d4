import { registerEnumType } from '@nestjs/graphql';

/** Life cycle shared by description tasks and merges (GraphQL enum TaskStatus). */
export enum TaskStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
  /** A merge whose zip was deleted after retention.mergeDays; starting a merge again makes a new one. */
  EXPIRED = 'EXPIRED',
}
registerEnumType(TaskStatus, { name: 'TaskStatus', description: 'Life cycle of a background task.' });

export const ACTIVE_TASK_STATUSES: readonly TaskStatus[] = [TaskStatus.QUEUED, TaskStatus.RUNNING];
