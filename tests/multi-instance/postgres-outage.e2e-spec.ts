import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSessionWithPackages,
  delay,
  expectedAiDescription,
  sessionWithTask,
  startDescriptions,
  waitForTaskEnd,
} from '../api-e2e/description-test-kit';
import { graphql, graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { startOpenAiTestServer } from '../support/openai-test-server';
import { createTestDatabase, type TestDatabase } from './multi-instance-kit';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres';

const SESSION = 'query ($id: ID!) { session(id: $id) { id packages { title } } }';

async function healthOf(server: ApiServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls /health until it answers `status` (the probe caches its answer for 1.5 s). */
async function waitForHealth(server: ApiServer, status: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await healthOf(server);
    if (health.status === status) return health;
    if (Date.now() > deadline) throw new Error(`/health still answers ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('PostgreSQL stopping and starting under a running instance', () => {
  let work: string;
  let postgres: PrivatePostgres;
  let database: TestDatabase;
  let server: ApiServer | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-multi-outage-'));
    postgres = await startPrivatePostgres();
    database = await createTestDatabase(postgres.url);
  });

  afterAll(async () => {
    await server?.stop();
    await postgres?.start().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    await postgres?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers clear errors and /health 503 while it is down, and recovers with no restart', async () => {
    server = await startApiServer({ dataDir: join(work, 'data'), env: { DATABASE_URL: database.url } });
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const sessionId = createSession.id;
    expect((await healthOf(server)).status).toBe(200);

    await postgres.stop();

    const down = await waitForHealth(server, 503);
    expect(down.body).toMatchObject({
      status: 'degraded',
      database: 'cannot write: the database cannot be reached',
    });

    const query = await graphql(server.url, SESSION, { id: sessionId });
    expect(query.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^The database cannot be reached right now/),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(JSON.stringify(query.errors)).not.toMatch(/ECONNREFUSED|stack|at /);

    const upload = await uploadPackages(server.url, sessionId, [
      { name: 'a.zip', data: buildScorm12Package({ title: 'While Down' }) },
    ]);
    expect(upload.status).toBe(503);
    expect(upload.body).toMatchObject({
      statusCode: 503,
      message: expect.stringMatching(/^The database cannot be reached right now/),
    });

    await postgres.start();

    expect((await waitForHealth(server, 200)).body).toMatchObject({ status: 'ok', database: 'ok' });
    const after = await uploadPackages(server.url, sessionId, [
      { name: 'b.zip', data: buildScorm12Package({ title: 'After Recovery' }) },
    ]);
    expect(after.status).toBe(201);
    const { session } = await graphqlOk<{ session: { packages: Array<{ title: string }> } }>(
      server.url,
      SESSION,
      { id: sessionId },
    );
    expect(session.packages.map((p) => p.title)).toEqual(['After Recovery']);
    // The same process throughout: it never exited.
    expect(server.process.exitCode).toBeNull();
  });

  it('resumes a description task the outage interrupted once PostgreSQL is back, with no restart', async () => {
    await server?.stop();
    const openai = await startOpenAiTestServer({ latencyMs: 400 });
    try {
      server = await startApiServer({
        dataDir: join(work, 'data'),
        env: {
          DATABASE_URL: database.url,
          OPENAI_API_KEY: 'test-key',
          OPENAI_BASE_URL: openai.url,
          OPENAI_MODEL: 'gpt-test',
        },
      });
      const titles = Array.from({ length: 8 }, (_, i) => `Outage Course ${i + 1}`);
      const { sessionId } = await createSessionWithPackages(server.url, titles);
      const task = await startDescriptions(server.url, sessionId);
      const url = server.url;
      await waitUntil(
        async () => ((await sessionWithTask(url, sessionId)).descriptionTask?.completed ?? 0) >= 2,
      );

      await postgres.stop();
      await waitForHealth(server, 503);
      await delay(1000); // requests answered meanwhile cannot be committed
      await postgres.start();

      const ended = await waitForTaskEnd(server.url, sessionId, 30_000);
      expect(ended).toMatchObject({ id: task.id, status: 'COMPLETED', total: 8, completed: 8, failed: 0 });
      const view = await sessionWithTask(server.url, sessionId);
      for (const pkg of view.packages) {
        expect(pkg).toMatchObject({ descriptionSource: 'AI', description: expectedAiDescription(pkg.title) });
      }
      expect(server.process.exitCode).toBeNull();
    } finally {
      await openai.close();
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(100);
  }
}
