import 'reflect-metadata';
import { DESCRIPTIONS_ENTITIES } from '@scorm-merge/descriptions';
import { PACKAGES_ENTITIES } from '@scorm-merge/packages';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';

describe('migrations', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scorm-migrations-'));
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'fresh.sqlite'),
      entities: [...PACKAGES_ENTITIES, ...DESCRIPTIONS_ENTITIES],
      migrations: MIGRATIONS,
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run on a fresh SQLite file and build exactly the schema the entities describe', async () => {
    const applied = await dataSource.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => new m().name));
    // What TypeORM would still change to match the entities; hand-written migrations must leave nothing.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('can be reverted down to an empty database', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')`,
    );
    expect(tables).toEqual([]);
  });
});
