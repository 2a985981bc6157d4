import type Sqlite from 'better-sqlite3';
import type { DataSource } from 'typeorm';

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
