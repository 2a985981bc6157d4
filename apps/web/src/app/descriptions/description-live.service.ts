import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { Reference } from '@apollo/client';
import { Apollo, type TypedDocumentNode } from 'apollo-angular';
import { EMPTY, Observable, Subscription, catchError, filter, firstValueFrom, map } from 'rxjs';
import { RealtimeClient } from '../core/graphql/realtime-client';
import { describeError } from '../core/request-error';
import { DescriptionTask, isActive } from '../session/session.models';
import { SessionStore } from '../session/session-store';
import { saysAiFailed } from './description-notices';
import {
  CANCEL_DESCRIPTIONS,
  DESCRIPTION_PROGRESS,
  DESCRIPTION_SETTINGS,
  DESCRIPTION_STREAMING,
  DESCRIPTION_UPDATED,
  DescriptionDelta,
  DescriptionProgress,
  DescriptionUpdate,
  START_DESCRIPTIONS,
} from './descriptions.operations';

const FINISHED_EVENTS = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/**
 * The live side of descriptions for one session: starts and cancels tasks, listens to
 * progress, saved descriptions and the text being written, and writes them into Apollo's
 * cache. Each (re)connection re-queries the session, so nothing sent while it was away is lost.
 * Provided by the session page, so it keeps listening while the user is on the merge step.
 */
@Injectable()
export class DescriptionLive {
  private readonly apollo = inject(Apollo);
  private readonly store = inject(SessionStore);
  private readonly realtime = inject(RealtimeClient);
  private readonly destroyRef = inject(DestroyRef);
  private listening?: Subscription;

  constructor() {
    this.destroyRef.onDestroy(() => this.listening?.unsubscribe());
  }

  /** Text being written, by package id; gone once the saved description arrives. */
  readonly streaming = signal<ReadonlyMap<string, string>>(new Map());
  /** Packages whose AI calls failed and got a local description instead. */
  readonly fallbackIds = signal<ReadonlySet<string>>(new Set());
  /** The latest progress message heard live. */
  readonly liveMessage = signal<string | null>(null);
  readonly starting = signal(false);
  readonly cancelling = signal(false);
  readonly actionError = signal<string | null>(null);
  /** What the server says about AI; null until it has answered. */
  private readonly aiEnabled = signal<boolean | null>(null);
  private readonly heardFailure = signal(false);

  readonly task = this.store.task;
  readonly running = computed(() => isActive(this.task()?.status));
  readonly message = computed(() => {
    const task = this.task();
    return (this.running() ? this.liveMessage() : null) ?? task?.message ?? this.liveMessage();
  });
  /** No API key on the server: descriptions are written locally. */
  readonly aiUnavailable = computed(() => this.aiEnabled() === false);
  /** Some AI calls failed (the packages got local descriptions) or the task stopped on an error. */
  readonly aiFailed = computed(
    () =>
      this.heardFailure() ||
      this.fallbackIds().size > 0 ||
      this.task()?.status === 'FAILED' ||
      saysAiFailed(this.task()?.message),
  );

  /** Starts listening to the session's events (once). */
  listen(sessionId: string): void {
    this.listening?.unsubscribe();
    const subscription = new Subscription();
    this.listening = subscription;
    this.streaming.set(new Map());
    this.fallbackIds.set(new Set());
    this.liveMessage.set(null);
    this.heardFailure.set(false);
    this.actionError.set(null);
    subscription.add(
      this.subscribe(DESCRIPTION_PROGRESS, sessionId, (data) => data.descriptionProgress).subscribe((event) =>
        this.onProgress(event),
      ),
    );
    subscription.add(
      this.subscribe(DESCRIPTION_UPDATED, sessionId, (data) => data.descriptionUpdated).subscribe((event) =>
        this.onUpdated(event),
      ),
    );
    subscription.add(
      this.subscribe(DESCRIPTION_STREAMING, sessionId, (data) => data.descriptionStreaming).subscribe(
        (event) => this.onDelta(event),
      ),
    );
    subscription.add(
      this.apollo
        .query({ query: DESCRIPTION_SETTINGS, fetchPolicy: 'network-only' })
        .pipe(catchError(() => EMPTY))
        .subscribe(({ data }) => this.aiEnabled.set(data?.descriptionSettings.aiEnabled ?? null)),
    );
    // Every (re)connection: what happened while we were not listening is in the database.
    subscription.add(this.realtime.connected$.subscribe(() => void this.store.refetch()));
  }

  async start(regenerate: boolean): Promise<void> {
    if (this.starting()) {
      return;
    }
    this.starting.set(true);
    this.actionError.set(null);
    this.heardFailure.set(false);
    this.fallbackIds.set(new Set());
    try {
      await firstValueFrom(
        this.apollo.mutate({
          mutation: START_DESCRIPTIONS,
          variables: { sessionId: this.store.sessionId(), regenerate },
          update: (cache, { data }) => data && this.pointSessionAt(cache, data.startDescriptions),
        }),
      );
    } catch (error) {
      this.actionError.set(`Could not start generating descriptions. ${describeError(error)}`);
    } finally {
      this.starting.set(false);
    }
  }

  async cancel(): Promise<void> {
    if (this.cancelling()) {
      return;
    }
    this.cancelling.set(true);
    this.actionError.set(null);
    try {
      await firstValueFrom(
        this.apollo.mutate({
          mutation: CANCEL_DESCRIPTIONS,
          variables: { sessionId: this.store.sessionId() },
        }),
      );
      this.streaming.set(new Map());
    } catch (error) {
      this.actionError.set(`Could not cancel. ${describeError(error)}`);
    } finally {
      this.cancelling.set(false);
    }
  }

  private subscribe<TData, TEvent>(
    query: TypedDocumentNode<TData, { sessionId: string }>,
    sessionId: string,
    pick: (data: TData) => TEvent,
  ): Observable<TEvent> {
    return this.apollo.subscribe({ query, variables: { sessionId }, fetchPolicy: 'no-cache' }).pipe(
      filter((result) => !!result.data),
      map((result) => pick(result.data as TData)),
      catchError((error: unknown) => {
        this.actionError.set(`Live updates stopped. ${describeError(error)} Reload the page to try again.`);
        return EMPTY;
      }),
    );
  }

  private onProgress(event: DescriptionProgress): void {
    const cache = this.apollo.client.cache;
    const id = cache.identify({ __typename: 'DescriptionTask', id: event.taskId });
    const known = cache.modify<DescriptionTask>({
      id,
      fields: {
        status: () => event.status,
        total: () => event.total,
        completed: () => event.completed,
        failed: () => event.failed,
        progress: () => event.progress,
        message: () => event.message,
      },
    });
    this.liveMessage.set(event.message);
    if (saysAiFailed(event.message)) {
      this.heardFailure.set(true);
    }
    const finished = FINISHED_EVENTS.has(event.type);
    if (finished) {
      this.streaming.set(new Map());
    }
    if (event.packageId) {
      this.dropStreaming(event.packageId);
    }
    // A task started elsewhere (another tab), or the end of one: read the saved state.
    if (!known || finished || this.task()?.id !== event.taskId) {
      void this.store.refetch();
    }
  }

  private onUpdated(event: DescriptionUpdate): void {
    const cache = this.apollo.client.cache;
    cache.modify({
      id: cache.identify({ __typename: 'Package', id: event.packageId }),
      fields: {
        description: () => event.description,
        descriptionSource: () => event.source,
      },
    });
    this.dropStreaming(event.packageId);
    if (event.fallback) {
      this.fallbackIds.update((ids) => new Set(ids).add(event.packageId));
    }
  }

  private onDelta(event: DescriptionDelta): void {
    if (!this.running() || (this.task() && this.task()?.id !== event.taskId)) {
      return;
    }
    this.streaming.update((texts) => new Map(texts).set(event.packageId, event.text));
  }

  private dropStreaming(packageId: string): void {
    if (this.streaming().has(packageId)) {
      this.streaming.update((texts) => {
        const next = new Map(texts);
        next.delete(packageId);
        return next;
      });
    }
  }

  private pointSessionAt(cache: Apollo['client']['cache'], task: DescriptionTask): void {
    cache.modify({
      id: cache.identify({ __typename: 'Session', id: this.store.sessionId() }),
      fields: {
        descriptionTask: (_existing, { toReference }) =>
          toReference({ __typename: 'DescriptionTask', id: task.id }) as Reference,
      },
    });
  }
}
