import 'reflect-metadata';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrateUnderLock, postgresOptions } from './database-options';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';

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

  it('can be reverted down to an empty database', async () => {
    for (let i = 0; i < POSTGRES_MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`,
    );
    expect(tables).toEqual([]);
  });
});
