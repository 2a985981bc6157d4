import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PACKAGES_ENTITIES, PackageEntity, SessionEntity } from '../../index';
import { type SqlDatabase, sqlDatabaseFor } from './sql-database';

describe('SqlDatabase.insert on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;
  let sqlite: SqlDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scorm-sqlite-insert-'));
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
      entities: PACKAGES_ENTITIES,
      synchronize: true,
    });
    await dataSource.initialize();
    sqlite = sqlDatabaseFor(dataSource);
    await dataSource
      .getRepository(SessionEntity)
      .insert({ id: 's1', createdAt: new Date(), updatedAt: null });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every column so that TypeORM reads back the same entity', async () => {
    const packages = dataSource.getRepository(PackageEntity);
    const entity = packages.create({
      id: 'p1',
      sessionId: 's1',
      position: 3,
      filename: 'golf.zip',
      title: 'Golf – ゴルフ',
      sizeBytes: 1234,
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
    await sqlite.insert(PackageEntity, entity);
    // The create date is set on the entity, as TypeORM's insert would have done.
    expect(entity.createdAt).toBeInstanceOf(Date);
    const stored = await packages.findOneByOrFail({ id: 'p1' });
    expect({ ...stored }).toEqual({ ...entity });
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

  it('leaves unset columns to their database defaults', async () => {
    await sqlite.insert(PackageEntity, minimalPackage('p2', 's1'));
    const stored = await dataSource.getRepository(PackageEntity).findOneByOrFail({ id: 'p2' });
    expect(stored).toMatchObject({ scoCount: 0, description: '', descriptionSource: 'LOCAL', error: null });
  });

  it('fails like any INSERT when a constraint is broken', async () => {
    await expect(sqlite.insert(PackageEntity, minimalPackage('p3', 'no-such-session'))).rejects.toThrow(
      /FOREIGN KEY/,
    );
  });
});
