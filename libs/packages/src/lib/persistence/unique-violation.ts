/**
 * A unique index refused the row: PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE. The driver's error
 * as SqlDatabase throws it, or wrapped by TypeORM (QueryFailedError, with the driver's error inside).
 */
export function isUniqueViolation(error: unknown): boolean {
  const codes = [codeOf(error), codeOf((error as { driverError?: unknown } | null)?.driverError)];
  return codes.some((code) => code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE');
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
