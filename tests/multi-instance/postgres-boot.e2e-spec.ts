import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiServer } from '../support/api-server';
import { createTestDatabase, startInstances, stopAll, type TestDatabase } from './multi-instance-kit';

/** The `applied` list each instance logs once its migrations ran under the advisory lock. */
function appliedMigrations(server: ApiServer): string[] {
  const line = server.logs.find((l) => l.includes('"PostgreSQL migrations"'));
  if (!line) throw new Error(`no migration log line:\n${server.logs.join('\n')}`);
  return (JSON.parse(line) as { message: { applied: string[] } }).message.applied;
}

describe('two instances booting together on an empty PostgreSQL database', () => {
  let work: string;
  let database: TestDatabase;
  let servers: ApiServer[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-multi-boot-'));
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await stopAll(servers);
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('migrate exactly once: one instance applies every migration, the other finds none pending', async () => {
    servers = await startInstances(2, { dataDir: join(work, 'data'), databaseUrl: database.url });
    const applied = servers.map(appliedMigrations);
    const [migrating, waiting] = applied[0].length > 0 ? applied : [applied[1], applied[0]];
    expect(migrating.length).toBeGreaterThan(0);
    expect(waiting).toEqual([]);
    const rows = await database.query<{ name: string }>('SELECT "name" FROM "migrations" ORDER BY "id"');
    expect(rows.map((row) => row.name)).toEqual(migrating);
    for (const server of servers) {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
    }
  });
});
