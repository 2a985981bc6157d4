import 'reflect-metadata';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrateUnderLock, postgresOptions } from './database-options';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
import {
  OneActiveMergePerSession1765000100000,
  SUPERSEDED_MERGE_MESSAGE,
} from './postgres-migrations/1765000100000-one-active-merge-per-session';

const SERVER_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** SERVER_URL with its database name replaced. */
function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('PostgreSQL migrations', () => {
  const name = `scorm_migrations_${randomBytes(6).toString('hex')}`;
  let admin: Client;
  let dataSource: DataSource;

  beforeAll(async () => {
    admin = new Client({ connectionString: SERVER_URL });
    await admin.connect().catch((error: Error) => {
      throw new Error(`PostgreSQL at TEST_DATABASE_URL (${SERVER_URL}) cannot be reached: ${error.message}`);
    });
    await admin.query(`CREATE DATABASE "${name}"`);
    dataSource = await new DataSource(postgresOptions(databaseUrl(name))).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.end();
  });

  it('run under the advisory lock on an empty database and build exactly the schema the entities describe', async () => {
    const applied = await migrateUnderLock(dataSource);
    expect(applied).toEqual(POSTGRES_MIGRATIONS.map((m) => new m().name));
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(await migrateUnderLock(dataSource)).toEqual([]);
  });

  it('keep one active description task per session with a partial unique index', async () => {
    await dataSource.query(`INSERT INTO "session" ("id") VALUES ('s1')`);
    const insertTask = (id: string, status: string) =>
      dataSource.query(
        `INSERT INTO "description_task" ("id", "sessionId", "status", "packageIds") VALUES ($1, 's1', $2, '[]')`,
        [id, status],
      );
    await insertTask('t1', 'RUNNING');
    await insertTask('t2', 'COMPLETED');
    await expect(insertTask('t3', 'QUEUED')).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('keep one active merge per session with a partial unique index', async () => {
    await dataSource.query(`INSERT INTO "session" ("id") VALUES ('s-merge')`);
    const insertMerge = (id: string, status: string) =>
      dataSource.query(
        `INSERT INTO "merge" ("id", "sessionId", "status", "title", "packageIds") VALUES ($1, 's-merge', $2, 'Course', '[]')`,
        [id, status],
      );
    await insertMerge('m1', 'QUEUED');
    await insertMerge('m2', 'COMPLETED');
    await expect(insertMerge('m3', 'RUNNING')).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('can be reverted down to an empty database', async () => {
    for (let i = 0; i < POSTGRES_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`,
    );
    expect(tables).toEqual([]);
  });

  it('upgrade a database whose sessions hold several active merges: the newest stays, the older ones are marked FAILED', async () => {
    const before = POSTGRES_MIGRATIONS.filter((m) => m !== OneActiveMergePerSession1765000100000);
    const old = await new DataSource({
      ...postgresOptions(databaseUrl(name)),
      migrations: before,
    }).initialize();
    try {
      await old.runMigrations();
      await old.query(`INSERT INTO "session" ("id") VALUES ('s1'), ('s2')`);
      const insertMerge = (id: string, sessionId: string, status: string, createdAt: string) =>
        old.query(
          `INSERT INTO "merge" ("id", "sessionId", "status", "title", "packageIds", "createdAt") VALUES ($1, $2, $3, 'Course', '[]', $4)`,
          [id, sessionId, status, createdAt],
        );
      await insertMerge('m1', 's1', 'RUNNING', '2026-01-01T10:00:00.000Z');
      await insertMerge('m2', 's1', 'QUEUED', '2026-01-01T10:00:01.000Z');
      await insertMerge('m3', 's1', 'COMPLETED', '2026-01-01T09:00:00.000Z');
      await insertMerge('m4', 's1', 'QUEUED', '2026-01-01T10:00:00.500Z');
      await insertMerge('m5', 's2', 'RUNNING', '2026-01-01T08:00:00.000Z');
    } finally {
      await old.destroy();
    }

    expect(await migrateUnderLock(dataSource)).toEqual(['OneActiveMergePerSession1765000100000']);
    const rows: Array<{ id: string; status: string; error: string | null; finishedAt: Date | null }> =
      await dataSource.query(`SELECT "id", "status", "error", "finishedAt" FROM "merge" ORDER BY "id"`);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['m1', 'FAILED'],
      ['m2', 'QUEUED'],
      ['m3', 'COMPLETED'],
      ['m4', 'FAILED'],
      ['m5', 'RUNNING'],
    ]);
    for (const row of rows.filter((r) => r.status === 'FAILED')) {
      expect(row.error).toBe(SUPERSEDED_MERGE_MESSAGE);
      expect(row.finishedAt).toBeInstanceOf(Date);
    }
    await expect(
      dataSource.query(
        `INSERT INTO "merge" ("id", "sessionId", "status", "title", "packageIds") VALUES ('m6', 's1', 'RUNNING', 'Course', '[]')`,
      ),
    ).rejects.toMatchObject({ driverError: { code: '23505' } });
  });
});
