/** A Date in the text form TypeORM writes to SQLite datetime columns (UTC, no zone suffix), so SQL compares them. */
export function toSqliteDatetime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Days (fractional ones too) as milliseconds. */
export function daysToMs(days: number): number {
  return days * 24 * 60 * 60 * 1000;
}
