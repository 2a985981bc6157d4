import type { MergeEntity } from './merge.entity';
import { TaskStatus } from '../shared/task-status';
import type { MergeModel } from './models/merge.model';

export function mergeDownloadUrl(merge: Pick<MergeEntity, 'id' | 'sessionId'>): string {
  return `/api/sessions/${merge.sessionId}/merges/${merge.id}/download`;
}

export function toMergeView(merge: MergeEntity): MergeModel {
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
  };
}
