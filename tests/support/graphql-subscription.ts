import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  /** Every payload received so far, in order. */
  events: T[];
  /** Resolves with the first event (counting those already received) that matches. */
  waitFor(match: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** A real graphql-ws client on the server's /graphql. Resolves once the server acknowledged the connection. */
export async function subscribe<T>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): Promise<Subscription<T>> {
  const events: T[] = [];
  const waiters: Array<{ match: (event: T) => boolean; resolve: (event: T) => void }> = [];
  let failure: unknown = null;
  const client: Client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
  });
  await new Promise<void>((resolve, reject) => {
    const off = client.on('connected', () => {
      off();
      resolve();
    });
    client.on('error', reject);
  });
  client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) {
          failure = new Error(JSON.stringify(result.errors));
          return;
        }
        const event = result.data?.[field] as T;
        events.push(event);
        for (const waiter of [...waiters]) {
          if (waiter.match(event)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(event);
          }
        }
      },
      error: (error) => (failure = error),
      complete: () => undefined,
    },
  );
  // graphql-ws does not acknowledge a subscription; give the server a moment to register it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    events,
    waitFor(match, timeoutMs = 30_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no matching ${field} event in ${timeoutMs} ms; got ${JSON.stringify(events)} ${failure ? String(failure) : ''}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          match,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
    async close() {
      await client.dispose();
    },
  };
}
