import type { MergeProgressEvent } from './merge-types';

/** Emits progress that never goes back and never floods: a new step, or a whole percent more. */
export class ProgressReporter {
  private lastStep = '';
  private lastProgress = -1;

  constructor(private readonly listener?: (event: MergeProgressEvent) => void) {}

  report(step: string, progress: number): void {
    if (!this.listener) return;
    const value = Math.max(this.lastProgress, Math.min(100, Math.floor(progress)));
    if (step === this.lastStep && value === this.lastProgress) return;
    this.lastStep = step;
    this.lastProgress = value;
    try {
      this.listener({ step, progress: value });
    } catch {
      // A failing listener must not fail the merge.
    }
  }
}
