import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { Reference } from '@apollo/client';
import { Apollo, QueryRef } from 'apollo-angular';
import { Subscription, firstValueFrom } from 'rxjs';
import { RealtimeClient } from '../core/graphql/realtime-client';
import { describeError } from '../core/request-error';
import { isActive } from '../session/session.models';
import {
  MERGE_PROGRESS,
  Merge,
  MergeOptions,
  MergeProgress,
  SESSION_MERGES,
  START_MERGE,
} from './merge.operations';

const FINISHED = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'EXPIRED']);

/** The session's merges, the one being made (live from mergeProgress) and starting a new one. */
@Injectable()
export class MergeStore {
  private readonly apollo = inject(Apollo);
  private readonly realtime = inject(RealtimeClient);
  private readonly destroyRef = inject(DestroyRef);
  private queryRef?: QueryRef<{ session: { id: string; merges: Merge[] } | null }, { id: string }>;
  private sessionId = '';
  private watching?: Subscription;

  constructor() {
    this.destroyRef.onDestroy(() => this.watching?.unsubscribe());
  }

  readonly merges = signal<readonly Merge[]>([]);
  readonly loading = signal(true);
  readonly loadError = signal<string | null>(null);
  readonly starting = signal(false);
  readonly actionError = signal<string | null>(null);

  /** The newest merge (the server lists them newest first), or null. */
  readonly latest = computed(() => this.merges()[0] ?? null);
  readonly running = computed(() => isActive(this.latest()?.status));

  open(sessionId: string): void {
    if (this.sessionId === sessionId) {
      return;
    }
    this.sessionId = sessionId;
    this.watching?.unsubscribe();
    const watching = new Subscription();
    this.watching = watching;
    this.merges.set([]);
    this.loading.set(true);
    this.queryRef = this.apollo.watchQuery({
      query: SESSION_MERGES,
      variables: { id: sessionId },
      fetchPolicy: 'cache-and-network',
      nextFetchPolicy: 'cache-first',
    });
    watching.add(
      this.queryRef.valueChanges.subscribe({
        next: (result) => {
          if (result.data && 'session' in result.data) {
            this.merges.set((result.data.session?.merges as Merge[] | undefined) ?? []);
            this.loading.set(false);
            this.loadError.set(null);
          } else if (result.error) {
            this.loading.set(false);
            this.loadError.set(describeError(result.error));
          }
        },
        error: (error: unknown) => {
          this.loading.set(false);
          this.loadError.set(describeError(error));
        },
      }),
    );
    watching.add(
      this.apollo
        .subscribe({ query: MERGE_PROGRESS, variables: { sessionId }, fetchPolicy: 'no-cache' })

        .subscribe({
          next: (result) => result.data && this.onProgress(result.data.mergeProgress as MergeProgress),
          error: (error: unknown) =>
            this.actionError.set(`Live merge progress stopped. ${describeError(error)}`),
        }),
    );
    // After a (re)connection, read what may have been missed.
    watching.add(this.realtime.connected$.subscribe(() => void this.refetch()));
  }

  async refetch(): Promise<void> {
    try {
      await this.queryRef?.refetch();
    } catch (error) {
      this.loadError.set(describeError(error));
    }
  }

  async start(options: MergeOptions): Promise<void> {
    if (this.starting()) {
      return;
    }
    this.starting.set(true);
    this.actionError.set(null);
    try {
      await firstValueFrom(
        this.apollo.mutate({
          mutation: START_MERGE,
          variables: { sessionId: this.sessionId, options },
          update: (cache, { data }) => {
            const merge = data?.startMerge;
            if (!merge) {
              return;
            }
            cache.modify({
              id: cache.identify({ __typename: 'Session', id: this.sessionId }),
              fields: {
                merges: (existing, { readField, toReference }) => {
                  const list = (existing ?? []) as readonly Reference[];
                  if (list.some((ref) => readField('id', ref) === merge.id)) {
                    return list;
                  }
                  return [toReference({ __typename: 'Merge', id: merge.id }), ...list] as Reference[];
                },
              },
            });
          },
        }),
      );
    } catch (error) {
      this.actionError.set(`Could not start the merge. ${describeError(error)}`);
    } finally {
      this.starting.set(false);
    }
  }

  private onProgress(event: MergeProgress): void {
    const cache = this.apollo.client.cache;
    const known = cache.modify<Merge>({
      id: cache.identify({ __typename: 'Merge', id: event.mergeId }),
      fields: {
        status: () => event.status,
        step: () => event.step,
        progress: () => event.progress,
      },
    });
    // The end brings the download link and the outline; an unknown merge was started elsewhere.
    if (!known || FINISHED.has(event.status)) {
      void this.refetch();
    }
  }
}
