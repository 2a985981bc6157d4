import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ownOrigin } from './allowed-origins';
import { PREVIEW_PATH } from './security-headers';

/** What the content host answers besides package content: the load balancer's health check. */
const CONTENT_HOST_PATHS = [PREVIEW_PATH, '/health'];

/**
 * With `preview.origin` set, one server answers two host names: the content host serves package
 * content (and /health) and nothing of the app, so content scripts there reach no page, GraphQL or
 * upload of the app's origin; the app's host no longer serves content. Without it, nothing changes.
 */
export function separatePreviewHost(
  previewOrigin: string,
  trustProxy: boolean,
): (request: IncomingMessage, response: ServerResponse, next: () => void) => void {
  return (request, response, next) => {
    if (!previewOrigin) return next();
    const path = (request.url ?? '/').split('?')[0];
    const encrypted = Boolean((request.socket as TLSSocket).encrypted);
    const onContentHost = ownOrigin(request.headers, encrypted, trustProxy) === previewOrigin;
    const isContent = path.startsWith(PREVIEW_PATH);
    const allowed = onContentHost ? CONTENT_HOST_PATHS.some((prefix) => path.startsWith(prefix)) : !isContent;
    if (allowed) return next();
    const body = JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'Not found' });
    response.writeHead(404, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  };
}
