import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { UNTRACKED, type ItemTracking } from './course-outline';
import type { PreviewItem } from './preview.operations';

/** The course outline: every visible item indented by depth, its live status and score, choice by click. */
@Component({
  selector: 'sm-course-outline',
  imports: [MatIconModule],
  template: `
    <ol class="outline" data-testid="course-outline">
      @for (item of visibleItems(); track item.id) {
        <li
          class="outline__item"
          data-testid="outline-item"
          [attr.data-item-id]="item.id"
          [attr.data-status]="trackingOf(item.id).status"
          [style.padding-inline-start.rem]="item.depth * 1.1"
        >
          <button
            type="button"
            class="outline__choice"
            [class.outline__choice--current]="item.id === currentId()"
            [attr.aria-current]="item.id === currentId() ? 'step' : null"
            [attr.aria-label]="
              item.title +
              ', ' +
              trackingOf(item.id).status +
              (trackingOf(item.id).score ? ', score ' + trackingOf(item.id).score : '')
            "
            (click)="choose.emit(item.id)"
          >
            <mat-icon aria-hidden="true">{{ item.launchUrl ? 'article' : 'folder' }}</mat-icon>
            <span class="outline__title" data-testid="outline-title">{{ item.title }}</span>
          </button>
          <span class="outline__status" data-testid="outline-status" aria-hidden="true">
            <span class="status" [attr.data-status]="trackingOf(item.id).status">{{
              trackingOf(item.id).status
            }}</span>
            @if (trackingOf(item.id).score; as score) {
              <span class="score" data-testid="outline-score">{{ score }}</span>
            }
          </span>
          @if (item.prerequisites) {
            <span class="outline__prerequisites" data-testid="outline-prerequisites">
              Needs: <code>{{ item.prerequisites }}</code>
            </span>
          }
        </li>
      }
    </ol>
  `,
  styles: `
    .outline {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 2px;
    }
    .outline__item {
      display: grid;
      grid-template-columns: 1fr auto;
      align-items: center;
      gap: 0 0.5rem;
    }
    .outline__choice {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      min-height: 2.25rem;
      padding: 0.25rem 0.5rem;
      border: 0;
      border-radius: var(--radius);
      background: transparent;
      color: inherit;
      font: inherit;
      text-align: start;
      cursor: pointer;
    }
    .outline__choice:hover {
      background: var(--color-primary-soft);
    }
    .outline__choice--current {
      background: var(--color-primary-soft);
      font-weight: 600;
      box-shadow: inset 3px 0 0 var(--color-primary);
    }
    .outline__choice mat-icon {
      font-size: 1.1rem;
      width: 1.1rem;
      height: 1.1rem;
      color: var(--color-text-muted);
    }
    .outline__status {
      display: flex;
      gap: 0.35rem;
      font-size: 0.8rem;
    }
    .status {
      padding: 0.05rem 0.45rem;
      border-radius: 999px;
      background: var(--mat-sys-surface-container-high);
      color: var(--color-text-muted);
      white-space: nowrap;
    }
    .status[data-status='incomplete'] {
      background: var(--color-warning-bg);
      color: var(--color-warning);
    }
    .status[data-status='completed'],
    .status[data-status='passed'] {
      color: var(--color-success);
      background: color-mix(in srgb, var(--color-success) 12%, var(--color-surface));
    }
    .status[data-status='failed'] {
      color: var(--color-error);
      background: var(--color-error-bg);
    }
    .score {
      font-variant-numeric: tabular-nums;
    }
    .outline__prerequisites {
      grid-column: 1 / -1;
      padding-inline-start: 2.1rem;
      font-size: 0.8rem;
      color: var(--color-text-muted);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CourseOutlineComponent {
  readonly items = input.required<readonly PreviewItem[]>();
  readonly tracking = input.required<Readonly<Record<string, ItemTracking>>>();
  readonly currentId = input<string | null>(null);
  readonly choose = output<string>();

  readonly visibleItems = computed(() => this.items().filter((item) => item.isVisible));

  trackingOf(id: string): ItemTracking {
    return this.tracking()[id] ?? UNTRACKED;
  }
}
