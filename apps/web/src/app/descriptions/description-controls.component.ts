import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { SessionStore } from '../session/session-store';
import { DescriptionLive } from './description-live.service';

/** "Generate AI descriptions", "Cancel generation", the task's progress and what went wrong. */
@Component({
  selector: 'sm-description-controls',
  imports: [MatButtonModule, MatCheckboxModule, MatIconModule, MatProgressBarModule],
  templateUrl: './description-controls.component.html',
  styleUrl: './description-controls.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DescriptionControlsComponent {
  private readonly store = inject(SessionStore);
  readonly live = inject(DescriptionLive);

  readonly regenerate = signal(false);
  readonly task = this.live.task;
  readonly running = this.live.running;
  readonly canStart = computed(
    () => this.store.validPackages().length > 0 && !this.running() && !this.live.starting(),
  );
  readonly done = computed(() => {
    const task = this.task();
    return task ? task.completed + task.failed : 0;
  });
  readonly statusLabel = computed(() => {
    const task = this.task();
    if (!task) {
      return null;
    }
    switch (task.status) {
      case 'QUEUED':
        return 'Waiting to start';
      case 'RUNNING':
        return 'Generating';
      case 'COMPLETED':
        return 'Finished';
      case 'CANCELLED':
        return 'Cancelled';
      case 'FAILED':
        return 'Stopped';
      // Only merges expire; the enum is shared.
      case 'EXPIRED':
        return 'Expired';
    }
  });

  start(): void {
    void this.live.start(this.regenerate());
  }

  cancel(): void {
    void this.live.cancel();
  }
}
