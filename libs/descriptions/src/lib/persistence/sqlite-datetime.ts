/** A Date in the text form TypeORM writes to SQLite datetime columns (UTC, no zone suffix). */
export function toSqliteDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
