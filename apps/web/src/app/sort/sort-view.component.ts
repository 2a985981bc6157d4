import {
  CdkDrag,
  CdkDragDrop,
  CdkDragHandle,
  CdkDragPlaceholder,
  CdkDropList,
  moveItemInArray,
} from '@angular/cdk/drag-drop';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { countOf, formatBytes } from '../core/format';
import type { SessionPackage } from '../session/session.models';
import { SOURCE_BADGES } from './description-source';

export interface DescriptionEdit {
  packageId: string;
  description: string;
}

/** The longest hand-written description the API accepts. */
export const MAX_DESCRIPTION_LENGTH = 1000;

/**
 * The course order: valid packages as reorderable rows (drag and drop, keyboard on the handle,
 * move up/down buttons), invalid ones apart. It only reports what the user did; saving is the
 * caller's job. Every move emits the whole new order of the valid packages.
 */
@Component({
  selector: 'sm-sort-view',
  imports: [
    CdkDropList,
    CdkDrag,
    CdkDragHandle,
    CdkDragPlaceholder,
    MatButtonModule,
    MatIconModule,
    RouterLink,
  ],
  templateUrl: './sort-view.component.html',
  styleUrl: './sort-view.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SortViewComponent {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** Every package of the session, valid or not. */
  readonly packages = input.required<readonly SessionPackage[]>();
  /** Text being written by the AI, by package id. */
  readonly streaming = input<ReadonlyMap<string, string>>(new Map());
  /** Packages whose AI call failed and got a local description instead. */
  readonly fallbackIds = input<ReadonlySet<string>>(new Set());

  readonly reorder = output<string[]>();
  readonly remove = output<string>();
  readonly descriptionSave = output<DescriptionEdit>();

  /** The valid packages in course order; moves change it at once, before the server answers. */
  readonly order = linkedSignal(() =>
    [...this.packages()].filter((pkg) => !pkg.error).sort((a, b) => a.position - b.position),
  );
  readonly invalid = computed(() =>
    [...this.packages()].filter((pkg) => !!pkg.error).sort((a, b) => a.position - b.position),
  );

  readonly editingId = signal<string | null>(null);
  readonly draft = signal('');
  /** Read out by screen readers after a move, a removal or a save. */
  readonly announcement = signal('');

  readonly badges = SOURCE_BADGES;
  readonly maxLength = MAX_DESCRIPTION_LENGTH;
  readonly formatBytes = formatBytes;
  readonly countOf = countOf;

  onDrop(event: CdkDragDrop<unknown>): void {
    if (event.previousIndex !== event.currentIndex) {
      this.moveTo(event.previousIndex, event.currentIndex);
    }
  }

  /** Arrow keys on a row's handle move it; Home and End send it to the top or the bottom. */
  onHandleKeydown(event: KeyboardEvent, index: number): void {
    const last = this.order().length - 1;
    const target =
      event.key === 'ArrowUp'
        ? index - 1
        : event.key === 'ArrowDown'
          ? index + 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (target === null) {
      return;
    }
    event.preventDefault();
    if (target >= 0 && target <= last && target !== index) {
      const id = this.order()[index].id;
      this.moveTo(index, target);
      this.focusAfterRender(id, '.row__handle');
    }
  }

  move(index: number, delta: -1 | 1, control: 'up' | 'down'): void {
    const target = index + delta;
    if (target < 0 || target >= this.order().length) {
      return;
    }
    const id = this.order()[index].id;
    this.moveTo(index, target);
    // Keep focus on the button pressed, unless the row reached the end it was heading to.
    const atEnd = target === 0 || target === this.order().length - 1;
    const focus = atEnd ? (control === 'up' ? 'down' : 'up') : control;
    this.focusAfterRender(id, `[data-move="${focus}"]`);
  }

  startEdit(pkg: SessionPackage): void {
    this.editingId.set(pkg.id);
    this.draft.set(pkg.description);
    this.focusAfterRender(pkg.id, 'textarea');
  }

  cancelEdit(): void {
    const id = this.editingId();
    this.editingId.set(null);
    if (id) {
      this.focusAfterRender(id, '[data-action="edit"]');
    }
  }

  saveEdit(pkg: SessionPackage): void {
    const description = this.draft().trim();
    if (!description || description.length > MAX_DESCRIPTION_LENGTH) {
      return;
    }
    this.editingId.set(null);
    if (description !== pkg.description) {
      this.descriptionSave.emit({ packageId: pkg.id, description });
      this.announcement.set(`Description of ${pkg.title} saved.`);
    }
    this.focusAfterRender(pkg.id, '[data-action="edit"]');
  }

  onEditorKeydown(event: KeyboardEvent, pkg: SessionPackage): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.cancelEdit();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.saveEdit(pkg);
    }
  }

  onRemove(pkg: SessionPackage): void {
    this.remove.emit(pkg.id);
    this.announcement.set(`${pkg.title || pkg.filename} removed.`);
  }

  private moveTo(from: number, to: number): void {
    const next = [...this.order()];
    moveItemInArray(next, from, to);
    this.order.set(next);
    this.reorder.emit(next.map((pkg) => pkg.id));
    this.announcement.set(`${next[to].title} moved to position ${to + 1} of ${next.length}.`);
  }

  private focusAfterRender(packageId: string, selector: string): void {
    afterNextRender(
      () => {
        const rows = this.host.nativeElement.querySelectorAll<HTMLElement>('[data-package-id]');
        const row = Array.from(rows).find((element) => element.dataset['packageId'] === packageId);
        const target = row?.querySelector<HTMLElement>(selector);
        target?.focus();
      },
      { injector: this.injector },
    );
  }
}
