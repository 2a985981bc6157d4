import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { countOf } from '../core/format';
import type { MergeModule } from './merge.operations';

/** The merged course as the learner will see it: modules in order, with their SCOs. */
@Component({
  selector: 'sm-merge-outline',
  imports: [MatIconModule],
  template: `
    <ol class="modules" data-testid="merge-outline" aria-label="Modules of the merged course">
      @for (module of modules(); track module.folder) {
        <li class="module" data-testid="outline-module">
          <div class="module__head">
            <mat-icon aria-hidden="true">folder</mat-icon>
            <span class="module__title">{{ module.title }}</span>
            <span class="muted module__meta"
              >{{ module.folder }} · {{ countOf(module.scoCount, 'SCO') }}</span
            >
          </div>
          @if (module.items.length) {
            <ul class="items">
              @for (item of module.items; track $index) {
                <li>{{ item }}</li>
              }
            </ul>
          }
        </li>
      }
    </ol>
  `,
  styles: `
    .modules {
      display: grid;
      gap: 0.5rem;
      margin: 0;
      padding-left: 1.5rem;
    }
    .module__head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 0.5rem;
    }
    .module__head mat-icon {
      color: var(--color-primary);
    }
    .module__title {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .module__meta {
      font-size: 0.875rem;
      overflow-wrap: anywhere;
    }
    .items {
      margin: 0.25rem 0 0;
      padding-left: 2.25rem;
      font-size: 0.9375rem;
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MergeOutlineComponent {
  readonly modules = input.required<readonly MergeModule[]>();
  readonly countOf = countOf;
}
