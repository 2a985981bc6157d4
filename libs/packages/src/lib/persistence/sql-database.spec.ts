import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PACKAGES_ENTITIES, PackageEntity, SessionEntity } from '../../index';
import { usePostgresColumnTypes } from './dialect-column-types';
import { type SqlDatabase, sqlDatabaseFor } from './sql-database';

const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Dialect {
  name: string;
  open(): Promise<DataSource>;
  close(): Promise<void>;
}

function sqliteDialect(): Dialect {
  let dir = '';
  return {
    name: 'SQLite',
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'scorm-sql-database-'));
      return new DataSource({
        type: 'better-sqlite3',
        database: join(dir, 'test.sqlite'),
        entities: PACKAGES_ENTITIES,
        synchronize: true,
      }).initialize();
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on TEST_DATABASE_URL's server; the entities get their PostgreSQL column types. */
function postgresDialect(): Dialect {
  const name = `scorm_sql_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: POSTGRES_URL });
    await client.connect().catch((error: Error) => {
      throw new Error(
        `PostgreSQL at TEST_DATABASE_URL (${POSTGRES_URL}) cannot be reached: ${error.message}`,
      );
    });
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'PostgreSQL',
    async open() {
      await admin(`CREATE DATABASE "${name}"`);
      // Last in this file: the SQLite data source has built its metadata from the SQLite types already.
      usePostgresColumnTypes(PACKAGES_ENTITIES);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      return new DataSource({
        type: 'postgres',
        url: url.toString(),
        entities: PACKAGES_ENTITIES,
        synchronize: true,
      }).initialize();
    },
    async close() {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

describe.each([sqliteDialect(), postgresDialect()])('SqlDatabase on $name', (dialect) => {
  let dataSource: DataSource;
  let db: SqlDatabase;

  beforeAll(async () => {
    dataSource = await dialect.open();
    db = sqlDatabaseFor(dataSource);
    await dataSource
      .getRepository(SessionEntity)
      .insert({ id: 's1', createdAt: new Date(), updatedAt: null });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dialect.close();
  });

  /** Only the columns that have no database default. */
  const minimalPackage = (id: string, sessionId: string) =>
    dataSource.getRepository(PackageEntity).create({
      id,
      sessionId,
      position: 0,
      filename: 'x.zip',
      title: 'X',
      sizeBytes: 1,
      outline: [],
      warnings: [],
    });

  const packageIds = async () =>
    (await db.all<{ id: string }>('SELECT "id" FROM "package" ORDER BY "id"')).map((row) => row.id);

  it('inserts every column so that TypeORM reads back the same entity', async () => {
    const packages = dataSource.getRepository(PackageEntity);
    const entity = packages.create({
      id: 'p1',
      sessionId: 's1',
      position: 3,
      filename: 'golf.zip',
      title: 'Golf – ゴルフ',
      // Above 2^31: a bigint on PostgreSQL, read back as a number.
      sizeBytes: 5_000_000_000,
      contentHash: 'abc',
      storagePath: 'uploads/s1/p1.zip',
      scormVersion: '2004 3rd Edition',
      scoCount: 2,
      description: 'About golf.',
      descriptionSource: 'MANIFEST',
      lomDescription: 'About golf.',
      contentSample: 'Play golf',
      outline: ['One', 'Two'],
      warnings: ['A "quoted" warning'],
      error: null,
    });
    await db.insert(PackageEntity, entity);
    // The create date is set on the entity, as TypeORM's insert would have done.
    expect(entity.createdAt).toBeInstanceOf(Date);
    const stored = await packages.findOneByOrFail({ id: 'p1' });
    expect({ ...stored }).toEqual({ ...entity });
  });

  it('leaves unset columns to their database defaults', async () => {
    await db.insert(PackageEntity, minimalPackage('p2', 's1'));
    const stored = await dataSource.getRepository(PackageEntity).findOneByOrFail({ id: 'p2' });
    expect(stored).toMatchObject({ scoCount: 0, description: '', descriptionSource: 'LOCAL', error: null });
  });

  it('fails like any INSERT when a constraint is broken', async () => {
    await expect(db.insert(PackageEntity, minimalPackage('p3', 'no-such-session'))).rejects.toThrow(
      /FOREIGN KEY|foreign key/,
    );
  });

  it('numbers `?` placeholders but leaves question marks inside quotes alone', async () => {
    expect(await db.get(`SELECT '?' AS "mark", ? AS "value"`, 'x')).toEqual({ mark: '?', value: 'x' });
  });

  it('rolls a transaction back whole when its work throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(PackageEntity, minimalPackage('t1', 's1'));
        await tx.run('UPDATE "package" SET "title" = ? WHERE "id" = ?', 'Changed', 'p2');
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await packageIds()).toEqual(['p1', 'p2']);
    expect(await db.get('SELECT "title" FROM "package" WHERE "id" = ?', 'p2')).toEqual({ title: 'X' });
  });

  it('keeps statements issued while a transaction waits out of it', async () => {
    const transaction = db.transaction(async (tx) => {
      await tx.insert(PackageEntity, minimalPackage('t2', 's1'));
      // A real wait: other requests' statements run meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('rolled back');
    });
    const outside = db.insert(PackageEntity, minimalPackage('o1', 's1'));
    await expect(transaction).rejects.toThrow('rolled back');
    await outside;
    expect(await packageIds()).toEqual(['o1', 'p1', 'p2']);
  });

  it('commits a transaction that resolves, and answers what its work returned', async () => {
    const changed = await db.transaction(async (tx) => {
      await tx.insert(PackageEntity, minimalPackage('t3', 's1'));
      return tx.run('UPDATE "package" SET "position" = ? WHERE "sessionId" = ?', 7, 's1');
    });
    expect(changed).toBe(4);
    expect(await db.all('SELECT DISTINCT "position" FROM "package"')).toEqual([{ position: 7 }]);
  });
});
