import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startApiServer, type ApiServer } from '../support/api-server';

/** The PostgreSQL server the suite makes its databases on (one fresh database per test). */
export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The Redis server for the suites that need one. */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  name: string;
  /** DATABASE_URL for the servers. */
  url: string;
  /** Runs SQL on the test database (its own connection, opened on first use). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops the database, ending any connection still open on it. */
  drop(): Promise<void>;
}

/** `serverUrl` with another database name. */
export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Connects to PostgreSQL, failing with a message that says what is missing (the suite never skips). */
export async function connectPostgres(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${url} cannot be reached (${(error as Error).message}). The multi-instance suite needs it: ` +
        'start PostgreSQL (tools/test-all.sh installs and starts it) or set TEST_DATABASE_URL.',
    );
  }
  return client;
}

/** A fresh, empty database on the TEST_DATABASE_URL server. */
export async function createTestDatabase(serverUrl = TEST_DATABASE_URL): Promise<TestDatabase> {
  const name = `scorm_test_${randomBytes(6).toString('hex')}`;
  const admin = await connectPostgres(serverUrl);
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  let client: Client | null = null;
  return {
    name,
    url,
    async query<T>(sql: string, params: unknown[] = []) {
      client ??= await connectPostgres(url);
      return (await client.query(sql, params)).rows as T[];
    },
    async drop() {
      await client?.end().catch(() => undefined);
      const dropper = await connectPostgres(serverUrl);
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export interface InstanceOptions {
  /** One DATA_DIR for every instance: uploads and merges are shared files. */
  dataDir: string;
  databaseUrl: string;
  redisUrl?: string;
  env?: Record<string, string>;
}

/** Starts `count` server processes together, each on its own port, all on the same database and DATA_DIR. */
export async function startInstances(count: number, options: InstanceOptions): Promise<ApiServer[]> {
  const env: Record<string, string> = { DATABASE_URL: options.databaseUrl, ...options.env };
  if (options.redisUrl) env['REDIS_URL'] = options.redisUrl;
  const started = await Promise.allSettled(
    Array.from({ length: count }, () => startApiServer({ dataDir: options.dataDir, env, timeoutMs: 60_000 })),
  );
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(servers.map((server) => server.stop()));
    throw (failure as PromiseRejectedResult).reason;
  }
  return servers;
}

/** Stops every server given, ignoring those already gone. */
export async function stopAll(servers: Array<ApiServer | undefined>): Promise<void> {
  await Promise.all(servers.map((server) => server?.stop()));
}
