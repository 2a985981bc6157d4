import { Injectable, OnDestroy, signal } from '@angular/core';
import { Client, createClient } from 'graphql-ws';
import { Observable, Subject } from 'rxjs';

export type RealtimeStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** Where graphql-ws listens: the same host and port as the page, path /graphql. */
export function realtimeUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

/**
 * The graphql-ws client behind Apollo's subscription link. It reconnects for ever (with
 * graphql-ws's randomised back-off) and tells listeners each time a connection is made, so
 * views can re-query what they might have missed while it was down.
 */
@Injectable({ providedIn: 'root' })
export class RealtimeClient implements OnDestroy {
  private readonly connectedEvents = new Subject<number>();
  private connections = 0;

  readonly status = signal<RealtimeStatus>('idle');
  /** Emits on every (re)connection, with its number (1 for the first). */
  readonly connected$: Observable<number> = this.connectedEvents.asObservable();

  readonly client: Client = createClient({
    url: realtimeUrl(),
    lazy: true,
    lazyCloseTimeout: 3000,
    keepAlive: 15000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    on: {
      connecting: () => this.status.set(this.connections ? 'reconnecting' : 'connecting'),
      connected: () => {
        this.connections++;
        this.status.set('connected');
        this.connectedEvents.next(this.connections);
      },
      closed: () => this.status.set(this.connections ? 'reconnecting' : 'idle'),
    },
  });

  ngOnDestroy(): void {
    void this.client.dispose();
    this.connectedEvents.complete();
  }
}
