import type { OutlineLaunch } from '@scorm-merge/scorm';
import type { PreviewCapability, PreviewCapabilityClaim } from './preview-capability';

/** The request facts a preview URL is built from (express's Request has them). */
export interface RequestOrigins {
  protocol: string;
  host: string;
  headers: { origin?: string | string[] };
}

/** The origin this request reached (X-Forwarded-* only when express trusts the proxy). */
export function requestOrigin(request: RequestOrigins): string {
  return new URL(`${request.protocol}://${request.host}`).origin;
}

/**
 * The app origin that asks for a preview: the request's Origin (the origin guard has let it through,
 * so it is this server's or an allowed one), else the origin the request reached.
 */
export function askingOrigin(request: RequestOrigins): string {
  const header = Array.isArray(request.headers.origin) ? request.headers.origin[0] : request.headers.origin;
  if (header) {
    try {
      const origin = new URL(header).origin;
      if (origin !== 'null') return origin;
    } catch {
      // Not an origin: fall back to the one the request reached.
    }
  }
  return requestOrigin(request);
}

/** Path of a package file under a content URL: each segment percent-encoded. */
export function encodeEntryPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The absolute URL an item launches at, below `base`; outside web addresses are kept as written. */
export function launchUrl(base: string, launch: OutlineLaunch | null): string | null {
  if (!launch) return null;
  if (launch.kind === 'url') return launch.url;
  return `${base}${encodeEntryPath(launch.path)}${launch.suffix}`;
}

/** `<origin>/preview/<kind>/<capability>/`: every file of the course is below it. */
export function contentBase(
  contentOrigin: string,
  capability: PreviewCapability,
  sessionId: string,
  claim: PreviewCapabilityClaim,
): string {
  return `${contentOrigin}/preview/${claim.kind}/${capability.sign(sessionId, claim)}/`;
}
