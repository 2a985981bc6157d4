import 'reflect-metadata';
import { DESCRIPTIONS_ENTITIES } from '@scorm-merge/descriptions';
import { PACKAGES_ENTITIES } from '@scorm-merge/packages';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from './migrations';
import {
  OneActiveMergePerSession1764370000000,
  SUPERSEDED_MERGE_MESSAGE,
} from './migrations/1764370000000-one-active-merge-per-session';

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

describe('the one-active-merge-per-session migration', () => {
  let dir: string;
  let dataSource: DataSource | undefined;

  const open = (migrations: typeof MIGRATIONS): Promise<DataSource> =>
    new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'upgraded.sqlite'),
      entities: [...PACKAGES_ENTITIES, ...DESCRIPTIONS_ENTITIES],
      migrations,
    }).initialize();
  const insertMerge = (db: DataSource, id: string, sessionId: string, status: string, createdAt: string) =>
    db.query(
      `INSERT INTO "merge" ("id", "sessionId", "status", "title", "packageIds", "createdAt") VALUES (?, ?, ?, 'Course', '[]', ?)`,
      [id, sessionId, status, createdAt],
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scorm-migrations-merges-'));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the newest of the active merges a session already holds, marks the older ones FAILED, then refuses a second active merge', async () => {
    const before = MIGRATIONS.filter((m) => m !== OneActiveMergePerSession1764370000000);
    const old = await open(before);
    await old.runMigrations();
    await old.query(`INSERT INTO "session" ("id") VALUES ('s1'), ('s2')`);
    await insertMerge(old, 'm1', 's1', 'RUNNING', '2026-01-01 10:00:00.000');
    await insertMerge(old, 'm2', 's1', 'QUEUED', '2026-01-01 10:00:01.000');
    await insertMerge(old, 'm3', 's1', 'COMPLETED', '2026-01-01 09:00:00.000');
    await insertMerge(old, 'm4', 's1', 'QUEUED', '2026-01-01 10:00:00.500');
    await insertMerge(old, 'm5', 's2', 'RUNNING', '2026-01-01 08:00:00.000');
    await old.destroy();

    dataSource = await open(MIGRATIONS);
    const applied = await dataSource.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(['OneActiveMergePerSession1764370000000']);
    const rows: Array<{ id: string; status: string; error: string | null; finishedAt: string | null }> =
      await dataSource.query(`SELECT "id", "status", "error", "finishedAt" FROM "merge" ORDER BY "id"`);
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['m1', 'FAILED'],
      ['m2', 'QUEUED'],
      ['m3', 'COMPLETED'],
      ['m4', 'FAILED'],
      ['m5', 'RUNNING'],
    ]);
    const superseded = rows.filter((r) => r.id === 'm1' || r.id === 'm4');
    for (const row of superseded) {
      expect(row.error).toBe(SUPERSEDED_MERGE_MESSAGE);
      expect(row.finishedAt).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    }

    await expect(
      insertMerge(dataSource, 'm6', 's1', 'RUNNING', '2026-01-02 00:00:00.000'),
    ).rejects.toMatchObject({ driverError: { code: 'SQLITE_CONSTRAINT_UNIQUE' } });
    // Finished merges are not limited, and another session has its own active merge.
    await insertMerge(dataSource, 'm7', 's1', 'FAILED', '2026-01-02 00:00:00.000');
    await dataSource.query(`INSERT INTO "session" ("id") VALUES ('s3')`);
    await insertMerge(dataSource, 'm8', 's3', 'QUEUED', '2026-01-02 00:00:00.000');
  });
});
