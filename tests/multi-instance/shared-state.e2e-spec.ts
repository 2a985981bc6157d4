import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSessionWithPackages,
  startDescriptions,
  waitForTaskEnd,
} from '../api-e2e/description-test-kit';
import { graphqlOk, SESSION_FIELDS, uploadPackages } from '../support/api-client';
import type { ApiServer } from '../support/api-server';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';
import { createTestDatabase, startInstances, stopAll, type TestDatabase } from './multi-instance-kit';

interface SessionView {
  id: string;
  packages: Array<{ id: string; filename: string; title: string; position: number; sizeBytes: number }>;
}

const SESSION = `query ($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`;

describe('two instances on one PostgreSQL database and one DATA_DIR', () => {
  let work: string;
  let database: TestDatabase;
  let a: ApiServer;
  let b: ApiServer;
  let openai: OpenAiTestServer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-multi-shared-'));
    database = await createTestDatabase();
    // Answers slow enough that a task is still running when the other instance is asked.
    openai = await startOpenAiTestServer({ latencyMs: 300 });
    [a, b] = await startInstances(2, {
      dataDir: join(work, 'data'),
      databaseUrl: database.url,
      env: { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: openai.url, OPENAI_MODEL: 'gpt-test' },
    });
  });

  afterAll(async () => {
    await stopAll([a, b]);
    await openai?.close();
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('show a session created and uploaded to on A in a session query on B, and a reorder on B on A', async () => {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      a.url,
      'mutation { createSession { id } }',
    );
    const safety = buildScorm12Package({ title: 'Safety Basics' });
    const upload = await uploadPackages(a.url, createSession.id, [
      { name: 'safety.zip', data: safety },
      { name: 'fire.zip', data: buildScorm2004Package({ title: 'Fire Drill' }) },
    ]);
    expect(upload.status).toBe(201);

    const onB = (await graphqlOk<{ session: SessionView }>(b.url, SESSION, { id: createSession.id })).session;
    expect(onB.packages.map((p) => [p.title, p.position])).toEqual([
      ['Safety Basics', 0],
      ['Fire Drill', 1],
    ]);
    // A bigint column on PostgreSQL, still a number in the API.
    expect(onB.packages[0].sizeBytes).toBe(safety.length);

    await graphqlOk(
      b.url,
      'mutation ($id: ID!, $ids: [ID!]!) { reorderPackages(sessionId: $id, packageIds: $ids) { id } }',
      { id: createSession.id, ids: [onB.packages[1].id] },
    );
    const onA = (await graphqlOk<{ session: SessionView }>(a.url, SESSION, { id: createSession.id })).session;
    expect(onA.packages.map((p) => p.title)).toEqual(['Fire Drill', 'Safety Basics']);
  });

  it('make one description task when A and B are asked to start it at the same moment', async () => {
    const titles = Array.from({ length: 4 }, (_, i) => `Raced Course ${i + 1}`);
    const { sessionId } = await createSessionWithPackages(a.url, titles);
    const [fromA, fromB] = await Promise.all([
      startDescriptions(a.url, sessionId),
      startDescriptions(b.url, sessionId),
    ]);
    expect(fromB.id).toBe(fromA.id);
    const ended = await waitForTaskEnd(b.url, sessionId);
    // Worked on once: counted once per package, never past the total.
    expect(ended).toMatchObject({ id: fromA.id, status: 'COMPLETED', total: 4, completed: 4, failed: 0 });
    for (const title of titles) expect(openai.stats.byTitle[title]).toBe(1);
    const tasks = await database.query('SELECT "id" FROM "description_task" WHERE "sessionId" = $1', [
      sessionId,
    ]);
    expect(tasks).toHaveLength(1);
  });
});
