import type { MergeProgressEvent } from '@scorm-merge/scorm';

/** Where progress goes: stderr, so stdout carries only the result. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressDisplay {
  update(event: MergeProgressEvent): void;
  /** Ends the display, leaving the cursor on a fresh line. */
  finish(): void;
}

/** A redrawn bar on a terminal; plain lines (a new step, or every 10%) for logs and pipes. */
export function createProgressDisplay(stream: ProgressStream): ProgressDisplay {
  return stream.isTTY ? new BarDisplay(stream) : new LineDisplay(stream);
}

const BAR_WIDTH = 24;

class BarDisplay implements ProgressDisplay {
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  update({ step, progress }: MergeProgressEvent): void {
    const filled = Math.round((progress / 100) * BAR_WIDTH);
    const line = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${String(progress).padStart(3)}% ${step}`;
    // A pty may report 0 columns; then assume the classic 80.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    // \r returns to the line's start, ESC[K clears what a longer previous line left.
    this.stream.write(`\r${Array.from(line).slice(0, width).join('')}\x1b[K`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

class LineDisplay implements ProgressDisplay {
  private lastStep = '';
  private lastTenth = -1;

  constructor(private readonly stream: ProgressStream) {}

  update({ step, progress }: MergeProgressEvent): void {
    const tenth = Math.floor(progress / 10);
    if (step === this.lastStep && tenth === this.lastTenth) return;
    this.lastStep = step;
    this.lastTenth = tenth;
    this.stream.write(`${String(progress).padStart(3)}% ${step}\n`);
  }

  finish(): void {
    // Every line is already complete.
  }
}
