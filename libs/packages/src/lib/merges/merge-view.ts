import type { MergeEntity } from './merge.entity';
import { TaskStatus } from '../shared/task-status';
import type { MergeModel } from './models/merge.model';
import { daysToMs } from '../persistence/sqlite-datetime';

export function mergeDownloadUrl(merge: Pick<MergeEntity, 'id' | 'sessionId'>): string {
  return `/api/sessions/${merge.sessionId}/merges/${merge.id}/download`;
}

/** When a finished merge's zip is (or was) deleted: finishedAt + retention.mergeDays; null for the others. */
export function mergeExpiresAt(merge: MergeEntity, mergeDays: number): Date | null {
  const kept = merge.status === TaskStatus.COMPLETED || merge.status === TaskStatus.EXPIRED;
  return kept && merge.finishedAt ? new Date(merge.finishedAt.getTime() + daysToMs(mergeDays)) : null;
}

export function toMergeView(merge: MergeEntity, mergeDays: number): MergeModel {
  return {
    id: merge.id,
    status: merge.status,
    progress: merge.progress,
    step: merge.step,
    downloadUrl: merge.status === TaskStatus.COMPLETED ? mergeDownloadUrl(merge) : null,
    sizeBytes: merge.sizeBytes,
    error: merge.error,
    warnings: merge.warnings ?? [],
    title: merge.title,
    includeMenu: merge.includeMenu,
    scormVersion: merge.scormVersion,
    modules: merge.outline ?? [],
    createdAt: merge.createdAt,
    finishedAt: merge.finishedAt,
    expiresAt: mergeExpiresAt(merge, mergeDays),
  };
}
