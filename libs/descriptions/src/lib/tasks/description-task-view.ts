import type { DescriptionTaskModel } from '../models/description-task.model';
import type { DescriptionTaskEntity } from '../persistence';
import { progressPercent } from './task-progress';

export function toDescriptionTaskView(task: DescriptionTaskEntity): DescriptionTaskModel {
  return {
    id: task.id,
    status: task.status,
    total: task.total,
    completed: task.completed,
    failed: task.failed,
    progress: progressPercent(task.completed + task.failed, task.total),
    message: task.message,
    regenerate: task.regenerate,
    createdAt: task.createdAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
  };
}
