/** Percent of a task's packages finished; 100 only when every one is (an empty task is done). */
export function progressPercent(finished: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((100 * finished) / total));
}
