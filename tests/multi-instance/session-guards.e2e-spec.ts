import { buildScorm12Package, buildScorm2004Package } from '@scorm-merge/scorm/testing';
import { randomBytes } from 'node:crypto';
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
interface UploadedPackage {
  id: string;
  sizeBytes: number;
  position: number;
  error: string | null;
}

const START_MERGE = 'mutation ($id: ID!) { startMerge(sessionId: $id) { id status } }';
const SESSION = 'query ($id: ID!) { session(id: $id) { merges { id status } packages { id sizeBytes } } }';

/** Uploads sent to each instance at once, per round of the quota tests. */
const PER_INSTANCE = 3;
/** Room the multipart framing of one file takes beyond the zip (a request's Content-Length is checked too). */
const FRAMING_BYTES = 1024;

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

/** A package of a fixed size: the same stored media in each, titles of one length. */
function quotaPackage(index: number): Buffer {
  return buildScorm12Package({
    title: `Quota course ${String(index).padStart(3, '0')}`,
    extraFiles: [{ name: 'media/clip.bin', data: randomBytes(48 * 1024), method: 'store' }],
  });
}

/** Sends PER_INSTANCE single-file uploads to each of A and B at the same moment; the files answered. */
async function uploadToBothAtOnce(a: ApiServer, b: ApiServer, sessionId: string, round: number) {
  const requests = [a, b].flatMap((server, s) =>
    Array.from({ length: PER_INSTANCE }, (_, i) =>
      uploadPackages(server.url, sessionId, [
        { name: `r${round}-${s}-${i}.zip`, data: quotaPackage(round * 10 + s * PER_INSTANCE + i) },
      ]),
    ),
  );
  return Promise.all(requests);
}

describe('one active merge per session and the session quotas, across two instances', () => {
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
    const zips = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.zip')) : [];
    expect(zips.sort()).toEqual(started.map((id) => `${id}.zip`).sort());
    const runs = [a, b].flatMap((server) => server.logs.filter((line) => line.includes('"merge running"')));
    expect(runs).toHaveLength(rounds);
  }, 120_000);

  it('never lets uploads sent to A and B at the same moment take a session past its byte quota', async () => {
    const packageBytes = Math.max(...Array.from({ length: 4 }, (_, i) => quotaPackage(i).length));
    // Room for PER_INSTANCE packages: all one instance's requests fit, both instances' do not.
    const maxSessionBytes = PER_INSTANCE * (packageBytes + FRAMING_BYTES);
    cluster = await startCluster({
      name: 'byte-quota',
      instances: 2,
      openai: null,
      upload: { maxSessionBytes },
    });
    const [a, b] = cluster.instances;

    for (let round = 0; round < 3; round++) {
      const sessionId = await createSession(a);
      const answers = await uploadToBothAtOnce(a, b, sessionId, round);
      const files = answers.flatMap((answer) =>
        answer.status === 201 ? (answer.body as UploadedPackage[]) : [],
      );
      const accepted = files.filter((file) => file.error === null);
      const refusals = [
        ...files.filter((file) => file.error !== null).map((file) => file.error as string),
        ...answers.filter((answer) => answer.status !== 201).map((answer) => JSON.stringify(answer.body)),
      ];
      expect(accepted).toHaveLength(PER_INSTANCE);
      expect(refusals).toHaveLength(PER_INSTANCE);
      for (const refusal of refusals) {
        expect(refusal).toMatch(/Not added: the session would hold more than its|this session can take only/);
      }
      const { packages } = await sessionState(b, sessionId);
      expect(packages).toHaveLength(PER_INSTANCE);
      expect(packages.reduce((sum, p) => sum + p.sizeBytes, 0)).toBeLessThanOrEqual(maxSessionBytes);
    }
  }, 120_000);

  it('never lets uploads sent to A and B at the same moment take a session past its package limit', async () => {
    const maxPackagesPerSession = PER_INSTANCE;
    cluster = await startCluster({
      name: 'package-limit',
      instances: 2,
      openai: null,
      upload: { maxPackagesPerSession },
    });
    const [a, b] = cluster.instances;

    for (let round = 0; round < 3; round++) {
      const sessionId = await createSession(a);
      const answers = await uploadToBothAtOnce(a, b, sessionId, round);
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
      const files = answers.flatMap((answer) => answer.body as UploadedPackage[]);
      const accepted = files.filter((file) => file.error === null);
      const refused = files.filter((file) => file.error !== null);
      expect(accepted).toHaveLength(maxPackagesPerSession);
      for (const file of refused) {
        expect(file).toMatchObject({
          position: -1,
          error: `Not added: a session holds at most ${maxPackagesPerSession} packages.`,
        });
      }
      const { packages } = await sessionState(b, sessionId);
      expect(packages.map((p) => p.id).sort()).toEqual(accepted.map((file) => file.id).sort());
    }
  }, 120_000);
});
