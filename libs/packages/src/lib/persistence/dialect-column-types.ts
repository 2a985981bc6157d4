import { getMetadataArgsStorage, type ValueTransformer } from 'typeorm';

/**
 * For byte sizes: `integer` on SQLite (64-bit already), `bigint` on PostgreSQL, whose driver returns a
 * bigint as a string; read back as a number either way (sizes stay far below 2^53).
 */
export const BYTE_SIZE: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null | undefined) => (value == null ? value : Number(value)),
};

/**
 * Gives the entities' columns their PostgreSQL types before a postgres DataSource builds its metadata:
 * `datetime` becomes `timestamptz`, byte sizes `bigint`. The entities are written for SQLite, whose
 * migrations and schema stay exactly as they were. Call once per process, before the DataSource starts.
 */
export function usePostgresColumnTypes(entities: ReadonlyArray<unknown>): void {
  for (const column of getMetadataArgsStorage().columns) {
    if (!entities.includes(column.target)) continue;
    if (column.options.type === 'datetime') column.options.type = 'timestamptz';
    if (column.options.transformer === BYTE_SIZE) column.options.type = 'bigint';
  }
}
