import type { TaskStatus } from '../shared/task-status';

/** Emitted after the merge row is committed, so a re-query never shows less than an event did. */
export const MERGE_PROGRESS_EVENT = 'merge.progress';

export interface MergeProgressChanged {
  sessionId: string;
  mergeId: string;
  status: TaskStatus;
  step: string;
  progress: number;
}

export function mergeProgressTopic(sessionId: string): string {
  return `mergeProgress.${sessionId}`;
}
