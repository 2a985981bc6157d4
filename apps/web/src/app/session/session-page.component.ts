import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { RouterLink } from '@angular/router';
import { GraphqlHttpService } from '../core/graphql-http.service';
import { describeError } from '../core/request-error';
import { PackageUploadService } from './package-upload.service';
import {
  DescriptionSource,
  SESSION_QUERY,
  SessionDetails,
  SessionQueryResult,
  SessionQueryVariables,
} from './session.operations';

type LoadState = 'loading' | 'ready' | 'not-found' | 'error';

const SOURCE_LABELS: Record<DescriptionSource, string> = {
  MANIFEST: 'from the manifest',
  LOCAL: 'generated locally',
  AI: 'written by AI',
  CACHE: 'written by AI (cached)',
  MANUAL: 'edited by hand',
};

@Component({
  selector: 'sm-session-page',
  imports: [DatePipe, RouterLink],
  templateUrl: './session-page.component.html',
  styleUrl: './session-page.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionPageComponent {
  /** Bound from the `:sessionId` route parameter. */
  readonly sessionId = input.required<string>();

  private readonly graphql = inject(GraphqlHttpService);
  private readonly uploader = inject(PackageUploadService);
  private loadController?: AbortController;

  readonly state = signal<LoadState>('loading');
  readonly session = signal<SessionDetails | null>(null);
  readonly loadError = signal<string | null>(null);
  readonly uploading = signal(false);
  readonly uploadError = signal<string | null>(null);
  /** Announced politely to screen readers. */
  readonly statusMessage = signal('');

  readonly packages = computed(() =>
    [...(this.session()?.packages ?? [])].sort((a, b) => a.position - b.position),
  );

  constructor() {
    effect(() => {
      const id = this.sessionId();
      untracked(() => void this.load(id));
    });
    inject(DestroyRef).onDestroy(() => this.loadController?.abort());
  }

  async load(id: string = this.sessionId()): Promise<void> {
    this.loadController?.abort();
    const controller = new AbortController();
    this.loadController = controller;
    if (this.session()?.id !== id) {
      this.session.set(null);
      this.state.set('loading');
    }
    this.loadError.set(null);

    try {
      const { session } = await this.graphql.request<SessionQueryResult, SessionQueryVariables>(
        SESSION_QUERY,
        { id },
        { signal: controller.signal },
      );
      if (controller.signal.aborted) {
        return;
      }
      this.session.set(session);
      this.state.set(session ? 'ready' : 'not-found');
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      this.loadError.set(describeError(error));
      // Keep showing the list we have when only a refresh failed.
      if (!this.session()) {
        this.state.set('error');
      }
    }
  }

  async onFilesSelected(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const files = Array.from(input.files ?? []);
    if (!files.length || this.uploading()) {
      return;
    }

    this.uploading.set(true);
    this.uploadError.set(null);
    this.statusMessage.set(`Uploading ${countOf(files.length, 'file')}…`);
    try {
      const created = await this.uploader.upload(this.sessionId(), files);
      const invalid = created.filter((pkg) => pkg.error).length;
      this.statusMessage.set(
        `Uploaded ${countOf(created.length, 'package')}` +
          (invalid ? `; ${countOf(invalid, 'package')} could not be used.` : '.'),
      );
      await this.load();
    } catch (error) {
      this.statusMessage.set('');
      this.uploadError.set(describeError(error));
    } finally {
      this.uploading.set(false);
      // Let the same files be chosen again.
      input.value = '';
    }
  }

  sourceLabel(source: DescriptionSource): string {
    return SOURCE_LABELS[source] ?? source.toLowerCase();
  }

  count(n: number, noun: string): string {
    return countOf(n, noun);
  }
}

function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
