import type Sqlite from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { toSqliteDatetime } from './sqlite-datetime';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Raw SQL statements, written once for both dialects: `?` placeholders, double-quoted names, and the
 * syntax SQLite and PostgreSQL share (ON CONFLICT … DO UPDATE, UPDATE … FROM, CAST(COUNT(*) AS INTEGER)).
 */
export interface SqlExecutor {
  /** Rows changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  /**
   * A plain INSERT of the entity's set columns, values converted as TypeORM would. Why: on the upload
   * path TypeORM's insert builder and its re-select of defaults cost about 1 ms of CPU per package.
   * An unset create-date column gets the current time, written back to the entity.
   */
  insert<T extends ObjectLiteral>(target: EntityTarget<T>, entity: T): Promise<void>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** A Date as a parameter compared with or written to a datetime column. */
  timestamp(date: Date): string;
}

const databases = new WeakMap<DataSource, SqlDatabase>();

/** The one SqlDatabase of a DataSource: every caller shares its statement cache and transaction queue. */
export function sqlDatabaseFor(dataSource: DataSource): SqlDatabase {
  let database = databases.get(dataSource);
  if (!database) {
    database =
      dataSource.options.type === 'postgres'
        ? new PostgresDatabase(dataSource)
        : new SqliteDatabase(dataSource);
    databases.set(dataSource, database);
  }
  return database;
}

/** INSERT statement and values for the entity's set columns (see SqlExecutor.insert). */
function insertStatement<T extends ObjectLiteral>(
  dataSource: DataSource,
  target: EntityTarget<T>,
  entity: T,
): { sql: string; values: unknown[] } {
  const metadata = dataSource.getMetadata(target);
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
    values.push(dataSource.driver.preparePersistentValue(value, column));
  }
  const placeholders = names.map(() => '?').join(', ');
  return {
    sql: `INSERT INTO "${metadata.tableName}" (${names.join(', ')}) VALUES (${placeholders})`,
    values,
  };
}

/**
 * The DataSource's own better-sqlite3 connection, statements prepared once and run synchronously when
 * called (the promise is already settled), so the upload path stays as fast as before.
 *
 * Why transactions are queued: TypeORM runs every caller on this one connection, so statements other
 * requests issue while a transaction is open would join it. Transactions run one at a time, plain
 * statements wait for the open one to end, and a unit whose awaits are only on these settled results
 * finishes within one turn of the event loop, as the synchronous better-sqlite3 transactions did.
 */
class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Sqlite.Statement>();
  /** Settles when the open transaction (if any) has ended. */
  private queue: Promise<unknown> = Promise.resolve();
  private openTransactions = 0;
  private readonly inTransaction: SqlExecutor;

  constructor(private readonly dataSource: DataSource) {
    this.inTransaction = {
      run: (sql, ...params) => settle(() => this.prepare(sql).run(...params).changes),
      get: <T>(sql: string, ...params: unknown[]) =>
        settle(() => this.prepare(sql).get(...params) as T | undefined),
      all: <T>(sql: string, ...params: unknown[]) => settle(() => this.prepare(sql).all(...params) as T[]),
      insert: (target, entity) =>
        settle(() => {
          const { sql, values } = insertStatement(this.dataSource, target, entity);
          this.prepare(sql).run(...values);
        }),
    };
  }

  private get db(): Sqlite.Database {
    return (this.dataSource.driver as unknown as { databaseConnection: Sqlite.Database }).databaseConnection;
  }

  async run(sql: string, ...params: unknown[]): Promise<number> {
    if (this.openTransactions > 0) await this.idle();
    return this.inTransaction.run(sql, ...params);
  }

  async get<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    if (this.openTransactions > 0) await this.idle();
    return this.inTransaction.get<T>(sql, ...params);
  }

  async all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    if (this.openTransactions > 0) await this.idle();
    return this.inTransaction.all<T>(sql, ...params);
  }

  async insert<T extends ObjectLiteral>(target: EntityTarget<T>, entity: T): Promise<void> {
    if (this.openTransactions > 0) await this.idle();
    return this.inTransaction.insert(target, entity);
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.openTransactions += 1;
    const result = this.queue.then(() => this.runTransaction(work));
    this.queue = result.catch(() => undefined).finally(() => (this.openTransactions -= 1));
    return result;
  }

  timestamp(date: Date): string {
    return toSqliteDatetime(date);
  }

  private async idle(): Promise<void> {
    while (this.openTransactions > 0) await this.queue;
  }

  private async runTransaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // A savepoint when TypeORM itself holds a transaction open on the connection (migrations at boot).
    const nested = this.db.inTransaction;
    this.db.exec(nested ? 'SAVEPOINT "sql_database"' : 'BEGIN IMMEDIATE');
    try {
      const result = await work(this.inTransaction);
      this.db.exec(nested ? 'RELEASE "sql_database"' : 'COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) {
        this.db.exec(nested ? 'ROLLBACK TO "sql_database"; RELEASE "sql_database"' : 'ROLLBACK');
      }
      throw error;
    }
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

/** Runs a synchronous statement now; its outcome as a settled promise. */
function settle<T>(statement: () => T): Promise<T> {
  try {
    return Promise.resolve(statement());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** TypeORM's pg pool; each transaction runs on a connection of its own, so nothing else joins it. */
class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  private readonly placeholders = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  run(sql: string, ...params: unknown[]): Promise<number> {
    return this.executor(this.pool).run(sql, ...params);
  }

  get<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    return this.executor(this.pool).get<T>(sql, ...params);
  }

  all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    return this.executor(this.pool).all<T>(sql, ...params);
  }

  insert<T extends ObjectLiteral>(target: EntityTarget<T>, entity: T): Promise<void> {
    return this.executor(this.pool).insert(target, entity);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A connection lost while checked out is reported on the client, not the pool: without a listener that
    // 'error' event would end the process. The query in progress fails with the error anyway.
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(this.executor(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.off('error', onError);
      // A connection that broke, or whose ROLLBACK failed, is dropped, not handed to the next caller.
      client.release(broken);
    }
  }

  timestamp(date: Date): string {
    return date.toISOString();
  }

  private executor(target: Pool | PoolClient): SqlExecutor {
    const query = <T>(sql: string, params: unknown[]) =>
      target.query<T & object>(this.numbered(sql), params as unknown[]);
    return {
      run: async (sql, ...params) => (await query(sql, params)).rowCount ?? 0,
      get: async <T>(sql: string, ...params: unknown[]) =>
        (await query<T>(sql, params)).rows[0] as T | undefined,
      all: async <T>(sql: string, ...params: unknown[]) => (await query<T>(sql, params)).rows as T[],
      insert: async (entityTarget, entity) => {
        const { sql, values } = insertStatement(this.dataSource, entityTarget, entity);
        await query(sql, values);
      },
    };
  }

  /** `?` placeholders (outside quotes) as PostgreSQL's `$1, $2, …`. */
  private numbered(sql: string): string {
    let converted = this.placeholders.get(sql);
    if (converted === undefined) {
      let index = 0;
      converted = sql.replace(/('[^']*'|"[^"]*")|\?/g, (match, quoted: string | undefined) =>
        quoted ? quoted : `$${++index}`,
      );
      this.placeholders.set(sql, converted);
    }
    return converted;
  }
}
