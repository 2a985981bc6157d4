import type { DescriptionProgressPayload } from './description-events';

const FINAL_TYPES = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/**
 * One subscriber's descriptionProgress events with counts that never go back and nothing after a task's
 * end. With several instances a task's items commit on different instances and their events may cross
 * on the way; each event is still sent, its counts raised to the highest already sent.
 */
export function monotonicProgress(
  source: AsyncIterableIterator<DescriptionProgressPayload>,
): AsyncIterableIterator<DescriptionProgressPayload> {
  const highest = new Map<string, { completed: number; failed: number; progress: number }>();
  const ended = new Set<string>();
  const next = async (): Promise<IteratorResult<DescriptionProgressPayload>> => {
    for (;;) {
      const result = await source.next();
      if (result.done) return result;
      const event = result.value;
      if (ended.has(event.taskId)) continue;
      if (FINAL_TYPES.has(event.type)) ended.add(event.taskId);
      const seen = highest.get(event.taskId) ?? { completed: 0, failed: 0, progress: 0 };
      const raised = {
        completed: Math.max(seen.completed, event.completed),
        failed: Math.max(seen.failed, event.failed),
        progress: Math.max(seen.progress, event.progress),
      };
      highest.set(event.taskId, raised);
      return { done: false, value: { ...event, ...raised } };
    }
  };
  const iterator: AsyncIterableIterator<DescriptionProgressPayload> = {
    next,
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    throw: (error: unknown) => source.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
