/** Where a manifest href points, relative to the zip. */
export type ResolvedHref =
  | { kind: 'external' }
  | { kind: 'outside'; href: string }
  | { kind: 'entry'; path: string; candidates: string[] };

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
/** Segments of letters, digits, "_", "-" and ".", none of them "." or "..". */
const PLAIN_PATH = /^[\w-][\w.-]*(?:\/[\w-][\w.-]*)*$/;

/** Removes the query string and fragment ("page.html?x=1#top" → "page.html"). */
export function stripQueryAndFragment(href: string): string {
  return href.replace(/[?#].*$/s, '');
}

/**
 * Resolves a manifest href (with its xml:base chain) to a zip entry name under `rootFolder`.
 * URLs are external; paths that climb above the package are reported, never followed.
 */
export function resolveHref(rootFolder: string, base: string, href: string): ResolvedHref {
  // Most hrefs are plain relative paths ("shared/launch.html"): nothing to strip, climb or decode.
  if (base === '' && PLAIN_PATH.test(href) && !rootFolder.includes('%')) {
    const path = rootFolder + href;
    return { kind: 'entry', path, candidates: [path] };
  }
  const cleanHref = stripQueryAndFragment(href.trim());
  if (URL_SCHEME.test(cleanHref) || cleanHref.startsWith('//')) return { kind: 'external' };
  if (URL_SCHEME.test(base) || base.includes('//')) return { kind: 'external' };
  const joined = base + cleanHref;
  const segments: string[] = [];
  for (const segment of joined.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return { kind: 'outside', href };
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { kind: 'outside', href };
  const path = rootFolder + segments.join('/');
  const candidates = [path];
  try {
    const decoded = decodeURIComponent(path);
    if (decoded !== path) candidates.push(decoded);
  } catch {
    // Not valid percent-encoding: the literal name is the only candidate.
  }
  return { kind: 'entry', path, candidates };
}
