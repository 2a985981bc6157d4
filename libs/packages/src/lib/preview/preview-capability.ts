import { createHmac, timingSafeEqual } from 'node:crypto';

export type PreviewKind = 'packages' | 'merges';
export const PREVIEW_KINDS: readonly PreviewKind[] = ['packages', 'merges'];

/** What a content URL's capability segment (`<id>.<app origin>.<hmac>`) names. */
export interface PreviewCapabilityClaim {
  kind: PreviewKind;
  id: string;
  /** The app origin that asked for the preview: the only one that may frame the content. */
  appOrigin: string;
}

const SEGMENT = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;

/**
 * Content URLs must not carry the session id (the framed page can read its own address), so they carry
 * an HMAC-SHA256 binding session, kind, id and app origin under a server key instead. Whoever holds a
 * URL can read that one package's files, as whoever holds the session address could.
 */
export class PreviewCapability {
  constructor(private readonly key: Buffer) {}

  /** The URL segment for this session's package or merge, framed by `appOrigin`. */
  sign(sessionId: string, claim: PreviewCapabilityClaim): string {
    const origin = Buffer.from(claim.appOrigin, 'utf8').toString('base64url');
    return `${claim.id}.${origin}.${this.mac(sessionId, claim)}`;
  }

  /** The claim of a well-formed segment, not yet checked: its session comes from the database. */
  read(kind: PreviewKind, segment: string): (PreviewCapabilityClaim & { mac: string }) | null {
    const match = SEGMENT.exec(segment);
    if (!match) return null;
    const appOrigin = Buffer.from(match[2], 'base64url').toString('utf8');
    if (!isWebOrigin(appOrigin)) return null;
    return { kind, id: match[1], appOrigin, mac: match[3] };
  }

  /** Whether `mac` was made by this key for this session and claim. */
  verify(sessionId: string, claim: PreviewCapabilityClaim, mac: string): boolean {
    const expected = Buffer.from(this.mac(sessionId, claim), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(sessionId: string, claim: PreviewCapabilityClaim): string {
    return createHmac('sha256', this.key)
      .update(['scorm-merge preview v1', claim.kind, sessionId, claim.id, claim.appOrigin].join('\n'))
      .digest('base64url');
  }
}

/** `http(s)://host[:port]` exactly as URL serializes an origin. */
export function isWebOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}
