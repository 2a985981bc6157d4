import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One live GraphQL subscription over graphql-ws, collecting what it receives. */
export interface LiveSubscription<T> {
  /** Every payload received, in order. */
  events: T[];
  /** GraphQL errors or a socket error that ended the subscription. */
  error: unknown;
  /** Resolves with the first received payload (past or future) matching `predicate`. */
  waitFor(predicate: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves once `count` payloads have been received. */
  waitForCount(count: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

export interface SubscriptionClient {
  client: Client;
  /** Subscribes to `query` whose single root field is `field`; resolves once the server has answered a later round trip. */
  subscribe<T>(
    field: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<LiveSubscription<T>>;
  close(): Promise<void>;
}

/** A graphql-ws client for the server at `baseUrl` (http://host:port). */
export function subscriptionClient(baseUrl: string): SubscriptionClient {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });

  async function roundTrip(): Promise<void> {
    // The server handles one socket's messages in order; a query answered after our subscribe message
    // makes it very likely the subscription is registered. A short pause covers the rest.
    for await (const result of client.iterate({ query: '{ __typename }' })) {
      void result;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    client,
    async subscribe<T>(field: string, query: string, variables: Record<string, unknown>) {
      const events: T[] = [];
      const waiters: Array<() => void> = [];
      const notify = (): void => waiters.splice(0).forEach((wake) => wake());
      const live: LiveSubscription<T> = {
        events,
        error: undefined,
        waitFor(predicate, timeoutMs = 15_000) {
          return waitUntil(
            () => events.find(predicate),
            timeoutMs,
            `a ${field} event matching the condition`,
          );
        },
        waitForCount(count, timeoutMs = 15_000) {
          return waitUntil(
            () => (events.length >= count ? events.slice() : undefined),
            timeoutMs,
            `${count} ${field} events`,
          );
        },
        stop: () => unsubscribe(),
      };
      function waitUntil<R>(check: () => R | undefined, timeoutMs: number, what: string): Promise<R> {
        return new Promise((resolve, reject) => {
          const attempt = (): void => {
            if (live.error)
              return reject(new Error(`${field} subscription failed: ${JSON.stringify(live.error)}`));
            const found = check();
            if (found !== undefined) {
              clearTimeout(timer);
              return resolve(found);
            }
            waiters.push(attempt);
          };
          const timer = setTimeout(
            () =>
              reject(
                new Error(
                  `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(events)}`,
                ),
              ),
            timeoutMs,
          );
          attempt();
        });
      }
      const unsubscribe = client.subscribe<Record<string, T>>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) live.error = result.errors;
            else if (result.data) events.push(result.data[field]);
            notify();
          },
          error: (error) => {
            live.error = error instanceof Error ? error.message : error;
            notify();
          },
          complete: () => notify(),
        },
      );
      await roundTrip();
      if (live.error) throw new Error(`${field} subscription failed: ${JSON.stringify(live.error)}`);
      return live;
    },
    close: () => client.dispose() as Promise<void>,
  };
}
