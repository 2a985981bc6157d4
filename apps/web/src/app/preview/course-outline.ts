import type { PreviewItem } from './preview.operations';

/** What the outline shows for an item, in SCORM Cloud's words. */
export type ItemStatus = 'not attempted' | 'incomplete' | 'completed' | 'passed' | 'failed';

export interface ItemTracking {
  status: ItemStatus;
  /** Raw score as the SCO reported it, or the scaled score as a percentage; null when none. */
  score: string | null;
}

export const UNTRACKED: ItemTracking = { status: 'not attempted', score: null };

/** Items that open content in the frame, in document order: what 1.2 navigation walks. */
export function launchableItems(items: readonly PreviewItem[]): PreviewItem[] {
  return items.filter((item) => !!item.launchUrl);
}

/** The launchable item before or after `currentId` in document order, or null at either end. */
export function neighbourItem(
  items: readonly PreviewItem[],
  currentId: string | null,
  direction: 1 | -1,
): PreviewItem | null {
  const launchable = launchableItems(items);
  if (currentId === null) return direction === 1 ? (launchable[0] ?? null) : null;
  const index = launchable.findIndex((item) => item.id === currentId);
  if (index < 0) return null;
  return launchable[index + direction] ?? null;
}

/** The status a SCORM 1.2 SCO reports in `cmi.core.lesson_status`, in the outline's words. */
export function statusFrom12(lessonStatus: string): ItemStatus {
  switch (lessonStatus) {
    case 'passed':
    case 'failed':
    case 'completed':
    case 'incomplete':
      return lessonStatus;
    case 'browsed':
      return 'completed';
    default:
      return 'not attempted';
  }
}

/** The status a SCORM 2004 SCO reports: success wins over completion, as SCORM Cloud shows it. */
export function statusFrom2004(completionStatus: string, successStatus: string): ItemStatus {
  if (successStatus === 'passed') return 'passed';
  if (successStatus === 'failed') return 'failed';
  if (completionStatus === 'completed') return 'completed';
  if (completionStatus === 'incomplete') return 'incomplete';
  return 'not attempted';
}
