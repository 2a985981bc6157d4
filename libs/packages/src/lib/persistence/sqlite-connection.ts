import type Sqlite from 'better-sqlite3';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Synchronous access to the DataSource's own better-sqlite3 connection, with statements prepared once.
 *
 * Why: TypeORM runs every caller on that one connection, so an async TypeORM transaction would take in
 * other requests' statements issued while it awaits. A better-sqlite3 transaction runs to its end in one
 * tick: atomic, and nothing else interleaves. Multi-row commits use it.
 */
export class SqliteConnection {
  private readonly statements = new Map<string, Sqlite.Statement>();

  constructor(private readonly dataSource: DataSource) {}

  private get db(): Sqlite.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
  }

  run(sql: string, ...params: unknown[]): number {
    return this.prepare(sql).run(...params).changes;
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.prepare(sql).all(...params) as T[];
  }

  /**
   * A plain INSERT of the entity's set columns, values converted as TypeORM would. Why: on the upload
   * path TypeORM's insert builder and its re-select of defaults cost about 1 ms of CPU per package.
   * An unset create-date column gets the current time, written back to the entity.
   */
  insert<T extends ObjectLiteral>(target: EntityTarget<T>, entity: T): void {
    const metadata = this.dataSource.getMetadata(target);
    const names: string[] = [];
    const values: unknown[] = [];
    for (const column of metadata.columns) {
      let value: unknown = column.getEntityValue(entity);
      if (value === undefined && column.isCreateDate) {
        value = new Date();
        column.setEntityValue(entity, value);
      }
      if (value === undefined) continue;
      names.push(`"${column.databaseName}"`);
      values.push(this.dataSource.driver.preparePersistentValue(value, column));
    }
    const placeholders = names.map(() => '?').join(', ');
    this.run(`INSERT INTO "${metadata.tableName}" (${names.join(', ')}) VALUES (${placeholders})`, ...values);
  }

  /** Runs `work` in one transaction (a savepoint if another is already open on the connection). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  private prepare(sql: string): Sqlite.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
