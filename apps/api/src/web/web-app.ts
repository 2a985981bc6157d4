import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ResponseWithNonce } from '../http/security-headers';

const API_PREFIXES = ['/api/', '/graphql', '/health', '/explorer', '/preview/'];

/** Written by apps/web/src/index.html as `ngCspNonce`; the build copies it onto its inline style and script. */
const NONCE_PLACEHOLDER = /CSP_NONCE_PLACEHOLDER/g;

/**
 * Serves the built Angular app at `/`, with its index page for client-side routes like /s/:id.
 * The index page carries this response's CSP nonce, so it is rendered per request and never cached.
 */
export function serveWebApp(app: NestExpressApplication, webDir: string): void {
  const index = join(webDir, 'index.html');
  if (!existsSync(index)) {
    new Logger('WebApp').warn({ msg: 'web app not built; only the API is served', webDir });
    return;
  }
  const indexHtml = readFileSync(index, 'utf8');
  const sendIndex = (response: ServerResponse): void => {
    const html = indexHtml.replace(NONCE_PLACEHOLDER, (response as ResponseWithNonce).locals.cspNonce ?? '');
    response.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
    });
    response.end(html);
  };
  app.use('/index.html', (_request: IncomingMessage, response: ServerResponse) => sendIndex(response));
  app.useStaticAssets(webDir, { index: false, maxAge: '1h' });
  app.use((request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const path = (request.url ?? '/').split('?')[0];
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !API_PREFIXES.some((prefix) => path.startsWith(prefix)) &&
      !/\.[a-z0-9]+$/i.test(path);
    if (isPage) sendIndex(response);
    else next();
  });
}
