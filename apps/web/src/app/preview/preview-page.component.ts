import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { DomSanitizer, type SafeResourceUrl } from '@angular/platform-browser';
import { RouterLink } from '@angular/router';
import { Apollo } from 'apollo-angular';
import { firstValueFrom } from 'rxjs';
import { describeError } from '../core/request-error';
import { ApiLogPanelComponent } from './api-log-panel.component';
import { CourseOutlineComponent } from './course-outline.component';
import { PreviewPlayer } from './preview-player';
import { PreviewTrackingStore } from './preview-tracking-store';
import { MERGE_PREVIEW, PACKAGE_PREVIEW, type CoursePreview } from './preview.operations';

/**
 * `/s/:sessionId/preview/packages/:packageId` and `/s/:sessionId/preview/merges/:mergeId`: plays a package
 * or a merged course in a sandboxed frame, with its outline, navigation, live status and data-model log.
 */
@Component({
  selector: 'sm-preview-page',
  imports: [
    ApiLogPanelComponent,
    CourseOutlineComponent,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    RouterLink,
  ],
  templateUrl: './preview-page.component.html',
  styleUrl: './preview-page.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PreviewPageComponent {
  private readonly apollo = inject(Apollo);
  private readonly sanitizer = inject(DomSanitizer);

  /** Bound from the route parameters; exactly one of packageId and mergeId is set. */
  readonly sessionId = input.required<string>();
  readonly packageId = input<string>();
  readonly mergeId = input<string>();

  readonly state = signal<'loading' | 'ready' | 'error'>('loading');
  readonly loadError = signal<string | null>(null);
  readonly course = signal<CoursePreview | null>(null);
  readonly player = signal<PreviewPlayer | null>(null);

  private readonly frame = viewChild<ElementRef<HTMLIFrameElement>>('contentFrame');

  /** The frame's address; it comes from our own server's preview answer. */
  readonly frameSrc = computed<SafeResourceUrl | null>(() => {
    const url = this.player()?.current()?.item.launchUrl;
    return url ? this.sanitizer.bypassSecurityTrustResourceUrl(url) : null;
  });
  readonly backLink = computed(() =>
    this.mergeId() ? ['/s', this.sessionId(), 'merge'] : ['/s', this.sessionId()],
  );

  constructor() {
    effect(() => {
      const sessionId = this.sessionId();
      const packageId = this.packageId();
      const mergeId = this.mergeId();
      untracked(() => void this.load(sessionId, packageId, mergeId));
    });
    effect(() => {
      const frame = this.frame()?.nativeElement ?? null;
      untracked(() => this.player()?.attachFrame(frame));
    });
    inject(DestroyRef).onDestroy(() => this.player()?.destroy());
  }

  private async load(sessionId: string, packageId?: string, mergeId?: string): Promise<void> {
    this.player()?.destroy();
    this.player.set(null);
    this.state.set('loading');
    try {
      const course = mergeId
        ? (
            await firstValueFrom(
              this.apollo.query({
                query: MERGE_PREVIEW,
                variables: { sessionId, mergeId },
                fetchPolicy: 'no-cache',
              }),
            )
          ).data?.mergePreview
        : (
            await firstValueFrom(
              this.apollo.query({
                query: PACKAGE_PREVIEW,
                variables: { sessionId, packageId: packageId ?? '' },
                fetchPolicy: 'no-cache',
              }),
            )
          ).data?.packagePreview;
      if (!course) throw new Error('The server sent no course to preview.');
      const store = new PreviewTrackingStore(
        sessionId,
        mergeId ? 'merge' : 'package',
        mergeId ?? packageId ?? '',
      );
      // 'no-cache' above: a large course's items need no normalizing into the cache. Marks on the page's timeline, for DevTools and the preview benchmark.
      performance.mark('scorm-merge:preview-answered');
      const player = new PreviewPlayer(course, store);
      this.course.set(course);
      this.player.set(player);
      this.state.set('ready');
      player.start();
      performance.mark('scorm-merge:preview-started');
    } catch (error) {
      this.loadError.set(describeError(error));
      this.state.set('error');
    }
  }
}
