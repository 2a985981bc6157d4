/** What a client sees while the database cannot be reached; the request may simply be tried again. */
export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database cannot be reached right now; nothing was changed. Try again in a moment.';

/** Network failures, and PostgreSQL's connection-exception (08…) and shutdown (57P0…) classes. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
const UNREACHABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Connection refused/i;

/**
 * "the database cannot be reached" when `error` (or the driver error TypeORM wrapped in it) says the
 * connection to the database failed, else null.
 */
export function databaseUnavailableReason(error: unknown): string | null {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const { code, message, driverError } = cause as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
    };
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^(08|57P0)/.test(code))) {
      return 'the database cannot be reached';
    }
    if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message))
      return 'the database cannot be reached';
    cause = driverError ?? (cause as { cause?: unknown }).cause;
  }
  return null;
}
