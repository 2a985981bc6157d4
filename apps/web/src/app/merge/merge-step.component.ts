import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { countOf, formatBytes } from '../core/format';
import { DescriptionLive } from '../descriptions/description-live.service';
import { SessionStore } from '../session/session-store';
import { MergeOutlineComponent } from './merge-outline.component';
import { MergeStore } from './merge-store';
import type { Merge } from './merge.operations';

/** Step 2: merge options, the merge's live progress, the download and the course outline. */
@Component({
  selector: 'sm-merge-step',
  imports: [
    DatePipe,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MergeOutlineComponent,
    RouterLink,
  ],
  providers: [MergeStore],
  templateUrl: './merge-step.component.html',
  styleUrl: './merge-step.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MergeStepComponent {
  readonly session = inject(SessionStore);
  readonly descriptions = inject(DescriptionLive);
  readonly merges = inject(MergeStore);

  readonly title = signal('');
  readonly includeMenu = signal(true);
  readonly latest = this.merges.latest;
  readonly packages = this.session.validPackages;
  readonly downloadHref = computed(() => {
    const merge = this.latest();
    if (!merge || merge.status !== 'COMPLETED') {
      return null;
    }
    return (
      merge.downloadUrl ??
      `/api/sessions/${encodeURIComponent(this.session.sessionId())}/merges/${encodeURIComponent(merge.id)}/download`
    );
  });

  /** The course changed (order, packages) since the latest merge was made. */
  readonly outdated = computed(() => {
    const merge = this.latest();
    if (merge?.status !== 'COMPLETED' || !merge.modules?.length) {
      return false;
    }
    const merged = merge.modules.map((module) => module.title);
    const current = this.packages().map((pkg) => pkg.title);
    return merged.length !== current.length || merged.some((title, index) => title !== current[index]);
  });

  readonly formatBytes = formatBytes;
  readonly countOf = countOf;

  constructor() {
    effect(() => {
      const id = this.session.sessionId();
      if (id) {
        untracked(() => this.merges.open(id));
      }
    });
  }

  /** An EXPIRED merge is made again from the session's packages, with its own title and menu choice. */
  mergeAgain(merge: Merge): void {
    void this.merges.start({ title: merge.title ?? undefined, includeMenu: merge.includeMenu ?? true });
  }

  start(event: Event): void {
    event.preventDefault();
    const title = this.title().trim();
    void this.merges.start({ ...(title ? { title } : {}), includeMenu: this.includeMenu() });
  }
}
