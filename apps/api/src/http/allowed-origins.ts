import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

export interface OriginPolicy {
  /** Origins allowed besides the request's own, e.g. `https://lms.example.com`. */
  allowedOrigins: string[];
  /** Behind a reverse proxy: the request's own origin comes from X-Forwarded-Proto and X-Forwarded-Host. */
  trustProxy: boolean;
}

/** Paths a browser on another site must not call: uploads and downloads, GraphQL over HTTP and WebSocket. */
const GUARDED_PREFIXES = ['/api/', '/graphql'];

const firstValue = (header: string | string[] | undefined): string | undefined =>
  (Array.isArray(header) ? header[0] : header)?.split(',')[0].trim() || undefined;

/** `scheme://host[:port]` in URL's normal form (lower case, default port left out), or undefined. */
function normalOrigin(text: string): string | undefined {
  try {
    const origin = new URL(text).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origin the browser saw this request go to. */
export function ownOrigin(
  headers: IncomingHttpHeaders,
  encrypted: boolean,
  trustProxy: boolean,
): string | undefined {
  const proto = (trustProxy && firstValue(headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  const host = (trustProxy && firstValue(headers['x-forwarded-host'])) || headers.host;
  return host ? normalOrigin(`${proto}://${host}`) : undefined;
}

/**
 * Compiles the policy: a request without an Origin header (curl, servers, scripts) passes; one with an
 * Origin passes only when it is the request's own origin or a listed one. `Origin: null` never passes.
 */
export function originChecker(policy: OriginPolicy): (request: IncomingMessage) => boolean {
  const extra = new Set(
    policy.allowedOrigins.map((origin) => {
      const normal = normalOrigin(origin);
      if (!normal) throw new Error(`server.allowedOrigins: "${origin}" is not an origin like https://host`);
      return normal;
    }),
  );
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    const normal = normalOrigin(origin);
    if (!normal) return false;
    const encrypted = Boolean((request.socket as TLSSocket).encrypted);
    return extra.has(normal) || normal === ownOrigin(request.headers, encrypted, policy.trustProxy);
  };
}

function refusal(request: IncomingMessage): string {
  return JSON.stringify({
    statusCode: 403,
    error: 'Forbidden',
    message: `Requests from origin ${request.headers.origin} are not allowed (see server.allowedOrigins)`,
  });
}

/** Express middleware: 403 for uploads, downloads and GraphQL over HTTP from a foreign origin. */
export function refuseForeignOrigins(
  policy: OriginPolicy,
): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
  const isAllowed = originChecker(policy);
  return (request, response, next) => {
    const path = request.url ?? '/';
    if (!GUARDED_PREFIXES.some((prefix) => path.startsWith(prefix)) || isAllowed(request)) return next();
    const body = refusal(request);
    response.writeHead(403, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  };
}

/**
 * Puts the origin check in front of every WebSocket upgrade (graphql-ws on /graphql): a foreign
 * origin gets 403 and the socket is closed before the WebSocket handshake. Call it once the
 * GraphQL module has registered its upgrade listener (after app.init()).
 */
export function refuseForeignWebSocketOrigins(server: Server, policy: OriginPolicy): void {
  const isAllowed = originChecker(policy);
  const listeners = server.listeners('upgrade') as Array<
    (request: IncomingMessage, socket: Duplex, head: Buffer) => void
  >;
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isAllowed(request)) {
      for (const listener of listeners) listener.call(server, request, socket, head);
      return;
    }
    const body = refusal(request);
    socket.end(
      'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
