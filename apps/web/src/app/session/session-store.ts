import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Reference } from '@apollo/client';
import { Apollo, QueryRef } from 'apollo-angular';
import { Subscription, firstValueFrom } from 'rxjs';
import { describeError } from '../core/request-error';
import { REMOVE_PACKAGE, REORDER_PACKAGES, UPDATE_DESCRIPTION } from '../sort/sort.operations';
import type { SessionDetails, SessionPackage } from './session.models';
import { PACKAGE_FIELDS, SESSION_QUERY } from './session.operations';

export type SessionLoadState = 'loading' | 'ready' | 'not-found' | 'error';

/**
 * One session's packages and description task, read through Apollo's normalised cache, and the
 * changes the sort view makes to them. Provided by the session page, shared by its steps.
 */
@Injectable()
export class SessionStore {
  private readonly apollo = inject(Apollo);
  private readonly destroyRef = inject(DestroyRef);
  private queryRef?: QueryRef<{ session: SessionDetails | null }, { id: string }>;
  private watching?: Subscription;
  /** Reorders are sent one after another, so the server ends with the last one. */
  private reorderChain: Promise<unknown> = Promise.resolve();

  readonly sessionId = signal('');
  readonly state = signal<SessionLoadState>('loading');
  readonly session = signal<SessionDetails | null>(null);
  readonly loadError = signal<string | null>(null);
  /** The last failed change (reorder, remove, edit), for an alert. */
  readonly actionError = signal<string | null>(null);

  /** Every package, in course order. */
  readonly packages = computed(() =>
    [...(this.session()?.packages ?? [])].sort((a, b) => a.position - b.position),
  );
  readonly validPackages = computed(() => this.packages().filter((pkg) => !pkg.error));
  readonly invalidPackages = computed(() => this.packages().filter((pkg) => !!pkg.error));
  readonly task = computed(() => this.session()?.descriptionTask ?? null);

  open(id: string): void {
    if (this.sessionId() === id && this.queryRef) {
      return;
    }
    this.sessionId.set(id);
    this.session.set(null);
    this.state.set('loading');
    this.queryRef = this.apollo.watchQuery({
      query: SESSION_QUERY,
      variables: { id },
      fetchPolicy: 'cache-and-network',
      nextFetchPolicy: 'cache-first',
      notifyOnNetworkStatusChange: false,
    });
    this.watching?.unsubscribe();
    this.watching = this.queryRef.valueChanges.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (result) => {
        if (result.data && 'session' in result.data) {
          const session = (result.data.session as SessionDetails | null | undefined) ?? null;
          this.session.set(session);
          this.state.set(session ? 'ready' : 'not-found');
          this.loadError.set(null);
        } else if (result.error) {
          this.onLoadError(result.error);
        }
      },
      error: (error: unknown) => this.onLoadError(error),
    });
  }

  /** Asks the server again, e.g. after a reconnect or a finished task. */
  async refetch(): Promise<void> {
    if (!this.queryRef) {
      return;
    }
    try {
      await this.queryRef.refetch();
    } catch (error) {
      this.onLoadError(error);
    }
  }

  /** Saves a new course order of the valid packages; invalid ones stay after them. */
  reorder(validIds: readonly string[]): Promise<boolean> {
    const sessionId = this.sessionId();
    const rest = this.packages()
      .map((pkg) => pkg.id)
      .filter((id) => !validIds.includes(id));
    const packageIds = [...validIds, ...rest];
    const run = () =>
      firstValueFrom(
        this.apollo.mutate({
          mutation: REORDER_PACKAGES,
          variables: { sessionId, packageIds },
          optimisticResponse: {
            reorderPackages: {
              __typename: 'Session',
              id: sessionId,
              expiresAt: this.session()?.expiresAt ?? '',
              packages: packageIds.map((id, position) => ({ __typename: 'Package' as const, id, position })),
            },
          },
        }),
      );
    const done = this.reorderChain.then(run, run);
    this.reorderChain = done;
    return this.report(done, 'Could not save the new order');
  }

  remove(packageId: string): Promise<boolean> {
    const sessionId = this.sessionId();
    return this.report(
      firstValueFrom(
        this.apollo.mutate({
          mutation: REMOVE_PACKAGE,
          variables: { sessionId, packageId },
          update: (cache) => {
            cache.evict({ id: cache.identify({ __typename: 'Package', id: packageId }) });
            cache.gc();
          },
        }),
      ),
      'Could not remove the package',
    );
  }

  updateDescription(packageId: string, description: string): Promise<boolean> {
    return this.report(
      firstValueFrom(
        this.apollo.mutate({
          mutation: UPDATE_DESCRIPTION,
          variables: { sessionId: this.sessionId(), packageId, description },
          optimisticResponse: {
            updateDescription: {
              __typename: 'Package',
              id: packageId,
              description,
              descriptionSource: 'MANUAL',
            },
          },
        }),
      ),
      'Could not save the description',
    );
  }

  /** Adds packages the upload endpoint just created, so they show at once. */
  addUploaded(created: readonly SessionPackage[]): void {
    const cache = this.apollo.client.cache;
    // Position -1: refused before it was stored (the session was full); it belongs to no session.
    const stored = created.filter((pkg) => pkg.position >= 0);
    const refs = stored.map((pkg) =>
      cache.writeFragment({
        fragment: PACKAGE_FIELDS,
        fragmentName: 'PackageFields',
        data: { ...pickPackageFields(pkg), __typename: 'Package' },
      }),
    );
    cache.modify<SessionDetails>({
      id: cache.identify({ __typename: 'Session', id: this.sessionId() }),
      fields: {
        packages: (existing, { readField }) => {
          const list = existing as readonly Reference[];
          const known = new Set(list.map((ref) => readField<string>('id', ref)));
          const added = refs.filter(
            (ref): ref is Reference => !!ref && !known.has(readField<string>('id', ref)),
          );
          return [...list, ...added] as never;
        },
      },
    });
  }

  /** Waits for a change; a failure becomes `actionError` and `false`. */
  private async report(work: Promise<unknown>, what: string): Promise<boolean> {
    this.actionError.set(null);
    try {
      await work;
      return true;
    } catch (error) {
      this.actionError.set(`${what}. ${describeError(error)}`);
      return false;
    }
  }

  private onLoadError(error: unknown): void {
    this.loadError.set(describeError(error));
    if (!this.session()) {
      this.state.set('error');
    }
  }
}

function pickPackageFields(pkg: SessionPackage): SessionPackage {
  return {
    id: pkg.id,
    filename: pkg.filename,
    title: pkg.title,
    position: pkg.position,
    sizeBytes: pkg.sizeBytes,
    scormVersion: pkg.scormVersion ?? null,
    scoCount: pkg.scoCount ?? 0,
    description: pkg.description ?? '',
    descriptionSource: pkg.descriptionSource ?? 'LOCAL',
    error: pkg.error ?? null,
    warnings: pkg.warnings ?? [],
  };
}
