/**
 * A session id (16 random bytes in base64url: 22 characters, the last one of A, Q, g, w as it holds only
 * 2 bits) is the only key to a session, so logs keep just enough of it to tell sessions apart.
 * The other ids are UUIDs, whose 36-character runs never match.
 */
const SESSION_ID = /(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{17}[AQgw](?![A-Za-z0-9_-])/g;

/**
 * The HMAC closing a preview content URL's capability (`/preview/packages/<id>.<origin>.<hmac>/…`,
 * 43 base64url characters) opens that package's files, so it is cut short the same way.
 */
const PREVIEW_CAPABILITY_MAC = /(?<=\.)([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{39}(?![A-Za-z0-9_-])/g;

/** Cuts session ids and preview capabilities to their first four characters. */
export function redactSessionIds(text: string): string {
  return text.replace(SESSION_ID, '$1…').replace(PREVIEW_CAPABILITY_MAC, '$1…');
}

/** Redacts every string inside a log message (structured or not), leaving the original untouched. */
export function redactLogMessage(message: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof message === 'string') return redactSessionIds(message);
  if (message instanceof Error) return redactSessionIds(String(message.stack ?? message));
  if (typeof message !== 'object' || message === null || seen.has(message)) return message;
  seen.add(message);
  if (Array.isArray(message)) return message.map((item) => redactLogMessage(item, seen));
  if (Object.getPrototypeOf(message) !== Object.prototype) return message;
  return Object.fromEntries(
    Object.entries(message).map(([key, value]) => [key, redactLogMessage(value, seen)]),
  );
}
