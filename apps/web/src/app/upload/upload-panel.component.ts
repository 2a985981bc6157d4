import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Subscription } from 'rxjs';
import { countOf, formatBytes } from '../core/format';
import { describeError } from '../core/request-error';
import { SessionStore } from '../session/session-store';
import { PackageUploadService } from './package-upload.service';

export type UploadStatus = 'queued' | 'uploading' | 'checking' | 'done' | 'invalid' | 'failed';

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  loaded: number;
  status: UploadStatus;
  /** The package's title once parsed, or why it failed. */
  detail: string | null;
}

/** Files uploaded at the same time; the rest wait their turn. */
const PARALLEL_UPLOADS = 3;

@Component({
  selector: 'sm-upload-panel',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule],
  templateUrl: './upload-panel.component.html',
  styleUrl: './upload-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UploadPanelComponent {
  private readonly store = inject(SessionStore);
  private readonly uploader = inject(PackageUploadService);
  private readonly running = new Map<number, Subscription>();
  private readonly files = new Map<number, File>();
  private nextKey = 1;

  readonly items = signal<readonly UploadItem[]>([]);
  readonly dragOver = signal(false);
  readonly announcement = signal('');
  readonly busy = computed(() =>
    this.items().some(
      (item) => item.status === 'queued' || item.status === 'uploading' || item.status === 'checking',
    ),
  );
  readonly finishedCount = computed(() => this.items().filter((item) => !this.isPending(item)).length);

  readonly formatBytes = formatBytes;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.running.forEach((subscription) => subscription.unsubscribe()));
  }

  onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.add(Array.from(input.files ?? []));
    // Let the same files be chosen again.
    input.value = '';
  }

  onDragOver(event: DragEvent): void {
    if (event.dataTransfer?.types.includes('Files')) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      this.dragOver.set(true);
    }
  }

  onDragLeave(event: DragEvent): void {
    const zone = event.currentTarget as HTMLElement;
    if (!event.relatedTarget || !zone.contains(event.relatedTarget as Node)) {
      this.dragOver.set(false);
    }
  }

  onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragOver.set(false);
    this.add(Array.from(event.dataTransfer?.files ?? []));
  }

  add(files: readonly File[]): void {
    if (!files.length) {
      return;
    }
    const added = files.map((file): UploadItem => {
      const key = this.nextKey++;
      this.files.set(key, file);
      return { key, name: file.name, size: file.size, loaded: 0, status: 'queued', detail: null };
    });
    this.items.update((items) => [...items, ...added]);
    this.announcement.set(`Uploading ${countOf(files.length, 'file')}.`);
    this.pump();
  }

  clearFinished(): void {
    this.items.update((items) => items.filter((item) => this.isPending(item)));
  }

  percent(item: UploadItem): number {
    return item.size ? Math.min(100, Math.round((item.loaded / item.size) * 100)) : 100;
  }

  isPending(item: UploadItem): boolean {
    return item.status === 'queued' || item.status === 'uploading' || item.status === 'checking';
  }

  private pump(): void {
    const waiting = this.items().filter((item) => item.status === 'queued');
    for (const item of waiting.slice(0, Math.max(0, PARALLEL_UPLOADS - this.running.size))) {
      this.send(item.key);
    }
  }

  private send(key: number): void {
    const file = this.files.get(key);
    if (!file) {
      return;
    }
    this.patch(key, { status: 'uploading' });
    const subscription = this.uploader.upload(this.store.sessionId(), file).subscribe({
      next: (event) => {
        if (event.type === 'progress') {
          this.patch(key, { loaded: event.loaded, size: event.total });
        } else if (event.type === 'sent') {
          this.patch(key, { status: 'checking', loaded: file.size });
        } else {
          this.store.addUploaded(event.packages);
          const pkg = event.packages[0];
          if (pkg?.error) {
            this.patch(key, { status: 'invalid', detail: pkg.error });
          } else {
            this.patch(key, { status: 'done', detail: pkg?.title ?? null, loaded: file.size });
          }
        }
      },
      error: (error: unknown) => {
        this.patch(key, { status: 'failed', detail: describeError(error) });
        this.finish(key);
      },
      complete: () => this.finish(key),
    });
    if (!subscription.closed) {
      this.running.set(key, subscription);
    }
  }

  private finish(key: number): void {
    this.running.delete(key);
    this.files.delete(key);
    if (!this.busy()) {
      const items = this.items();
      const ok = items.filter((item) => item.status === 'done').length;
      const bad = items.filter((item) => item.status === 'invalid' || item.status === 'failed').length;
      this.announcement.set(
        `Uploads finished: ${countOf(ok, 'package')} added` +
          (bad ? `, ${countOf(bad, 'file')} with problems.` : '.'),
      );
    }
    this.pump();
  }

  private patch(key: number, change: Partial<UploadItem>): void {
    this.items.update((items) => items.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }
}
