import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlOk, SESSION_FIELDS, uploadPackages } from '../support/api-client';
import type { ApiServer } from '../support/api-server';
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

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-multi-shared-'));
    database = await createTestDatabase();
    [a, b] = await startInstances(2, { dataDir: join(work, 'data'), databaseUrl: database.url });
  });

  afterAll(async () => {
    await stopAll([a, b]);
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
});
