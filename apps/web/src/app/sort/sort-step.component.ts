import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { DescriptionControlsComponent } from '../descriptions/description-controls.component';
import { DescriptionLive } from '../descriptions/description-live.service';
import { SessionStore } from '../session/session-store';
import { UploadPanelComponent } from '../upload/upload-panel.component';
import { DescriptionEdit, SortViewComponent } from './sort-view.component';

/** Step 1: upload, describe and order the packages. */
@Component({
  selector: 'sm-sort-step',
  imports: [
    DescriptionControlsComponent,
    MatButtonModule,
    MatIconModule,
    RouterLink,
    SortViewComponent,
    UploadPanelComponent,
  ],
  template: `
    <sm-upload-panel />
    @if (store.packages().length) {
      <sm-description-controls />
    }
    @if (store.actionError(); as error) {
      <p class="alert alert--error" role="alert">{{ error }}</p>
    }
    <sm-sort-view
      [packages]="store.packages()"
      [streaming]="live.streaming()"
      [fallbackIds]="live.fallbackIds()"
      (reorder)="store.reorder($event)"
      (remove)="store.remove($event)"
      (descriptionSave)="save($event)"
    />
    @if (store.validPackages().length) {
      <div class="next">
        <a mat-flat-button routerLink="merge" data-testid="go-to-merge">
          Continue to merge
          <mat-icon iconPositionEnd aria-hidden="true">arrow_forward</mat-icon>
        </a>
        @if (live.running()) {
          <span class="muted">Descriptions keep being written while you merge.</span>
        }
      </div>
    }
  `,
  styles: `
    :host {
      display: grid;
      gap: 1.5rem;
    }
    .alert {
      margin: 0;
    }
    .next {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.75rem 1rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SortStepComponent {
  readonly store = inject(SessionStore);
  readonly live = inject(DescriptionLive);

  save(edit: DescriptionEdit): void {
    void this.store.updateDescription(edit.packageId, edit.description);
  }
}
