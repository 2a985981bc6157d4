import { PostgresSchema1765000000000 } from './1765000000000-postgres-schema';
import { OneActiveMergePerSession1765000100000 } from './1765000100000-one-active-merge-per-session';

/** PostgreSQL's own set (the SQLite set is in ../migrations); listed by hand, as the server is bundled. */
export const POSTGRES_MIGRATIONS = [PostgresSchema1765000000000, OneActiveMergePerSession1765000100000];
