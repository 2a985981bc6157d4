import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { EXPLORER_PATH } from '../explorer/explorer.controller';

/** A response whose page may carry inline code allowed by this request's CSP nonce. */
export type ResponseWithNonce = ServerResponse & { locals: { cspNonce?: string } };

type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

const nonce = (_request: IncomingMessage, response: ServerResponse): string =>
  `'nonce-${(response as ResponseWithNonce).locals.cspNonce}'`;

/**
 * Directives shared by the web app and the explorer: nothing but this origin, inline code only with
 * the request's nonce (Angular puts it on its critical CSS, its stylesheet loader and its component styles).
 */
const baseDirectives = {
  'default-src': ["'self'"],
  'script-src': ["'self'", nonce],
  'style-src': ["'self'", nonce],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  // 'self' covers ws:/wss: to the same host, so subscriptions work without naming the Host.
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // Off: it would turn a plain-HTTP deployment's own requests into failing https ones.
  'upgrade-insecure-requests': null,
};

function helmetWith(
  directives: Record<string, Iterable<unknown> | null>,
  framing: 'deny' | 'sameorigin',
): Middleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: true, directives: directives as never },
    // The session address is the credential: it must never leave in a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: framing },
  }) as Middleware;
}

/** Package content served by the preview (its own controller sets what a served file needs). */
export const PREVIEW_PATH = '/preview/';

/**
 * Headers of preview answers before the content route sets its own (errors, 404s): nothing on them may
 * run with the app's origin or be framed, and they never tell the next site where they came from.
 */
function contentDefaults(response: ServerResponse, contentSandbox: string): void {
  response.setHeader('Content-Security-Policy', `${contentSandbox}; frame-ancestors 'none'`);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/**
 * helmet on every response: CSP, nosniff, frame-ancestors 'none', no Referer, no X-Powered-By.
 * The explorer (Altair, a prebuilt app) sets inline styles and style attributes without a nonce, so its
 * styles may be inline (its scripts may not); it runs pre-request scripts in a frame of its own, so it
 * may frame itself. The app's pages frame preview content: from this origin, or from `previewOrigin`.
 * Preview content gets its own headers (see PREVIEW_PATH): the app's X-Frame-Options would stop the
 * player from framing it.
 */
export function securityHeaders(options: { previewOrigin: string; contentSandbox: string }): Middleware {
  const frameSources = ["'self'", ...(options.previewOrigin ? [options.previewOrigin] : [])];
  const forApp = helmetWith({ ...baseDirectives, 'frame-src': frameSources }, 'deny');
  const forExplorer = helmetWith(
    { ...baseDirectives, 'style-src': ["'self'", "'unsafe-inline'"], 'frame-ancestors': ["'self'"] },
    'sameorigin',
  );
  return (request, response, next) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path.startsWith(PREVIEW_PATH)) {
      contentDefaults(response, options.contentSandbox);
      return next();
    }
    (response as ResponseWithNonce).locals.cspNonce = randomBytes(16).toString('base64');
    const isExplorer = path === EXPLORER_PATH || path.startsWith(`${EXPLORER_PATH}/`);
    (isExplorer ? forExplorer : forApp)(request, response, next);
  };
}
