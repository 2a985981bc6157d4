import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SlowClientTimeouts {
  /** All request headers must have arrived within this time (a dribbling "slowloris" client is cut). */
  headersTimeoutMs: number;
  /** A connection on which the client sends or reads nothing for this long is closed. */
  idleTimeoutMs: number;
  /** How long an idle keep-alive connection waits for its next request. */
  keepAliveTimeoutMs: number;
}

/** How often Node checks the headers timeout; its default (30 s) would let a dribbler stay that much longer. */
const CONNECTION_CHECK_INTERVAL_MS = 1000;

/**
 * Timeouts on idle time, not total time: a 200 MB upload over a slow line may take many minutes and
 * must finish while it keeps moving, so Node's `requestTimeout` (a total) is off. While the server itself
 * is working on a whole request (an upload being inspected) the client has nothing to send, so that
 * silence does not count. Call before listen().
 */
export function applySlowClientTimeouts(server: Server, timeouts: SlowClientTimeouts): void {
  server.headersTimeout = timeouts.headersTimeoutMs;
  server.requestTimeout = 0;
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  // A createServer() option in the typings; Node reads the property when the server starts listening.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    CONNECTION_CHECK_INTERVAL_MS,
    timeouts.headersTimeoutMs,
  );
  const current = new WeakMap<Socket, { request: IncomingMessage; response: ServerResponse }>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) =>
    current.set(request.socket, { request, response }),
  );
  // With a 'timeout' listener Node leaves the decision to it: close unless the server is the one busy.
  server.setTimeout(timeouts.idleTimeoutMs, (socket: Socket) => {
    const exchange = current.get(socket);
    if (!exchange || exchange.response.headersSent || exchange.response.writableEnded) {
      socket.destroy();
      return;
    }
    // The whole request is in, or the server paused reading it (disk backpressure): the server is busy.
    const serverIsWorking = exchange.request.complete || exchange.request.isPaused();
    if (!serverIsWorking) socket.destroy();
  });
}
