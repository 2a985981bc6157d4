import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { countOf } from '../core/format';
import { DescriptionLive } from '../descriptions/description-live.service';
import { SessionStore } from './session-store';

/**
 * `/s/:sessionId`: loads the session and keeps it live for both steps (sort at `/s/:id`,
 * merge at `/s/:id/merge`), so descriptions go on arriving while the user merges.
 */
@Component({
  selector: 'sm-session-page',
  imports: [
    DatePipe,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
  ],
  providers: [SessionStore, DescriptionLive],
  templateUrl: './session-page.component.html',
  styleUrl: './session-page.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionPageComponent {
  /** Bound from the `:sessionId` route parameter. */
  readonly sessionId = input.required<string>();

  readonly store = inject(SessionStore);
  readonly live = inject(DescriptionLive);
  readonly countOf = countOf;

  constructor() {
    effect(() => {
      const id = this.sessionId();
      untracked(() => {
        this.store.open(id);
        this.live.listen(id);
      });
    });
  }
}
