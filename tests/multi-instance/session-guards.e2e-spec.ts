import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { delay } from '../api-e2e/description-test-kit';
import { graphqlOk, uploadPackages } from '../support/api-client';
import type { ApiServer } from '../support/api-server';
import { startCluster, type Cluster } from './cluster-kit';

interface MergeView {
  id: string;
  status: string;
}

const START_MERGE = 'mutation ($id: ID!) { startMerge(sessionId: $id) { id status } }';
const SESSION = 'query ($id: ID!) { session(id: $id) { merges { id status } packages { id sizeBytes } } }';

async function createSession(server: ApiServer): Promise<string> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.url,
    'mutation { createSession { id } }',
  );
  return createSession.id;
}

async function sessionState(server: ApiServer, sessionId: string) {
  const { session } = await graphqlOk<{
    session: { merges: MergeView[]; packages: Array<{ id: string; sizeBytes: number }> };
  }>(server.url, SESSION, { id: sessionId });
  return session;
}

async function waitForMergeEnd(server: ApiServer, sessionId: string, mergeId: string): Promise<MergeView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const merge = (await sessionState(server, sessionId)).merges.find((m) => m.id === mergeId);
    if (merge && !['QUEUED', 'RUNNING'].includes(merge.status)) return merge;
    if (Date.now() > deadline) throw new Error(`merge did not end: ${JSON.stringify(merge)}`);
    await delay(100);
  }
}

describe('one active merge per session, across two instances', () => {
  let cluster: Cluster | undefined;

  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('answers startMerge sent to A and B at the same moment with one merge, and runs only that one (several rounds)', async () => {
    cluster = await startCluster({ name: 'merge-race', instances: 2, openai: null });
    const [a, b] = cluster.instances;
    const sessionId = await createSession(a);
    const upload = await uploadPackages(a.url, sessionId, [
      { name: 'one.zip', data: buildScorm12Package({ title: 'Raced one' }) },
      { name: 'two.zip', data: buildScorm2004Package({ title: 'Raced two' }) },
    ]);
    expect(upload.status).toBe(201);

    const rounds = 5;
    const started: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const answers = await Promise.all(
        [a, b].map((server) =>
          graphqlOk<{ startMerge: MergeView }>(server.url, START_MERGE, { id: sessionId }),
        ),
      );
      const ids = [...new Set(answers.map((answer) => answer.startMerge.id))];
      expect(ids).toHaveLength(1);
      started.push(ids[0]);
      expect((await waitForMergeEnd(b, sessionId, ids[0])).status).toBe('COMPLETED');
    }

    const { merges } = await sessionState(a, sessionId);
    expect(merges.map((m) => m.id).sort()).toEqual([...started].sort());
    // One merge run per round: one zip each, and one "merge running" line for each merge across both logs.
    const folder = join(cluster.dataDir, 'merges', sessionId);
    expect(existsSync(folder) ? readdirSync(folder).sort() : []).toEqual(
      started.map((id) => `${id}.zip`).sort(),
    );
    const runs = [a, b].flatMap((server) => server.logs.filter((line) => line.includes('"merge running"')));
    expect(runs).toHaveLength(rounds);
  }, 120_000);
});
