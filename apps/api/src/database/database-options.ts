import { Logger } from '@nestjs/common';
import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DESCRIPTIONS_ENTITIES } from '@scorm-merge/descriptions';
import { PACKAGES_ENTITIES, usePostgresColumnTypes } from '@scorm-merge/packages';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';

export const DATABASE_FILE = 'scorm-merge.sqlite';

export const ENTITIES = [...PACKAGES_ENTITIES, ...DESCRIPTIONS_ENTITIES];

/** Any fixed number: every instance of SCORM Merge takes this advisory lock to migrate. */
export const MIGRATION_LOCK_KEY = 5_721_021;

/** The embedded SQLite file in DATA_DIR; migrations run as TypeORM starts (one process owns the file). */
export function sqliteOptions(dataDir: string): TypeOrmModuleOptions {
  return {
    type: 'better-sqlite3',
    database: join(dataDir, DATABASE_FILE),
    enableWAL: true,
    // WAL with synchronous=NORMAL survives a killed process; only an OS crash can lose the last commits.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    },
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    synchronize: false,
  };
}

/**
 * PostgreSQL at DATABASE_URL. Migrations run after the pool starts, under an advisory lock (see
 * migrateUnderLock), not by TypeORM's migrationsRun.
 */
export function postgresOptions(url: string): DataSourceOptions {
  usePostgresColumnTypes(ENTITIES);
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // A database that does not answer fails the request after 5 s rather than holding it.
    connectTimeoutMS: 5000,
    extra: { max: 10 },
  };
}

/** Starts the DataSource, then migrates it under the lock; two instances starting together migrate once. */
export async function startPostgres(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  try {
    const applied = await migrateUnderLock(dataSource);
    new Logger('Database').log({ msg: 'PostgreSQL migrations', applied });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * Runs pending migrations while holding a session-level advisory lock on a connection of its own: a
 * second instance waits at the lock, then finds nothing pending. Returns the names of those applied.
 */
export async function migrateUnderLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'all' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
