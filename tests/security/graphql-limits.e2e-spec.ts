import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, graphqlOk, type GraphQLResult } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { subscriptionClient, type SubscriptionClient } from '../support/graphql-subscriptions';

/** The attacks of issue 20 against the built server with its default limits (config/default.json). */

const DEFAULT_MAX_ALIASES = 15;

let server: ApiServer;
let dataDir: string;
let sessionId: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'scorm-security-limits-'));
  server = await startApiServer({ dataDir });
  sessionId = (
    await graphqlOk<{ createSession: { id: string } }>(server.url, 'mutation { createSession { id } }')
  ).createSession.id;
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The shape: ~98 KB, 3,800 aliases of `session { packages … }`. */
function sessionAliasAttack(aliases: number): string {
  const fields = Array.from({ length: aliases }, (_, i) => `a${i.toString(36)}:session(id:$i){...P}`).join(
    ' ',
  );
  return `query($i:ID!){${fields}} fragment P on Session{packages{id title description}}`;
}

function createSessionAliasAttack(aliases: number): string {
  return `mutation{${Array.from({ length: aliases }, (_, i) => `c${i}:createSession{id}`).join(' ')}}`;
}

/**
 * `levels` nested fragment spreads under `session` (the schema itself has no deep paths); the armor counts
 * two levels of depth per fragment, so 4 reach depth 10 and 5 reach 12.
 */
function deepSessionQuery(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i === levels - 1 ? `fragment F${i} on Session{id}` : `fragment F${i} on Session{...F${i + 1}}`,
  );
  return `query($id:ID!){session(id:$id){...F0}} ${fragments.join(' ')}`;
}

function countSessions(): number {
  const db = new Database(join(dataDir, 'scorm-merge.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM session').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function timedPost(query: string, variables: Record<string, unknown> = {}) {
  const body = JSON.stringify({ query, variables });
  const started = performance.now();
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const result = (await response.json()) as GraphQLResult<unknown>;
  return { status: response.status, result, ms: performance.now() - started, bytes: Buffer.byteLength(body) };
}

async function timedHealth(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${server.url}/health`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return performance.now() - started;
}

function expectRefused(result: GraphQLResult<unknown>, message: RegExp): void {
  expect(result.data ?? null).toBeNull();
  expect(result.errors?.map((error) => error.message)).toEqual([expect.stringMatching(message)]);
  expect(JSON.stringify(result)).not.toContain('stacktrace');
}

describe('GraphQL limits over HTTP', () => {
  it('refuses the 98 KB, 3,800-alias session query in milliseconds while /health stays fast', async () => {
    const query = sessionAliasAttack(3800);
    const first = await timedPost(query, { i: sessionId });
    expect(first.bytes).toBeGreaterThan(90_000);
    expect(first.bytes).toBeLessThan(100 * 1024);
    expect(first.status).toBe(400);
    expectRefused(first.result, /Document contains more tha[nt] 1000 tokens/);

    // The measure: /health asked while one attack request is in flight, 20 times.
    const besideOneAttack: number[] = [];
    for (let round = 0; round < 20; round++) {
      const [, healthMs] = await Promise.all([timedPost(query, { i: sessionId }), timedHealth()]);
      besideOneAttack.push(healthMs);
    }

    // Ten attackers in a loop for two seconds, /health polled meanwhile.
    const until = Date.now() + 2000;
    const refusals: number[] = [];
    const attackers = Array.from({ length: 10 }, async () => {
      while (Date.now() < until) refusals.push((await timedPost(query, { i: sessionId })).ms);
    });
    const health: number[] = [];
    const poller = (async () => {
      while (Date.now() < until) {
        health.push(await timedHealth());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await Promise.all([...attackers, poller]);
    const sorted = [...refusals].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `3,800-alias ${(first.bytes / 1024).toFixed(1)} KB query refused in ${first.ms.toFixed(1)} ms ` +
        `(under 10 concurrent attackers: ${refusals.length} refusals in 2 s, median ${median.toFixed(1)} ms, ` +
        `max ${sorted[sorted.length - 1].toFixed(1)} ms); /health beside one attack request: ` +
        `max ${Math.max(...besideOneAttack).toFixed(1)} ms of 20; /health under the 10 attackers: ` +
        `${health.length} probes, max ${Math.max(...health).toFixed(1)} ms`,
    );
    expect(Math.max(...besideOneAttack)).toBeLessThan(500);
    expect(first.ms).toBeLessThan(1000);
    expect(median).toBeLessThan(1000);
    expect(Math.max(...health)).toBeLessThan(1000);
  });

  it('refuses 2,000 createSession aliases without creating a session', async () => {
    const before = countSessions();
    const attack = await timedPost(createSessionAliasAttack(2000));
    expect(attack.status).toBe(400);
    expectRefused(attack.result, /Document contains more tha[nt] 1000 tokens/);
    // Under the token limit, the alias limit alone stops the mutation before it runs.
    const aliases = await timedPost(createSessionAliasAttack(DEFAULT_MAX_ALIASES + 1));
    expectRefused(aliases.result, /Aliases limit of 15 exceeded, found 16/);
    expect(countSessions()).toBe(before);
    console.log(
      `2,000 createSession aliases (${(attack.bytes / 1024).toFixed(1)} KB) refused in ${attack.ms.toFixed(1)} ms, ` +
        `16 aliases in ${aliases.ms.toFixed(1)} ms; sessions created: ${countSessions() - before}`,
    );
  });

  it('refuses too deep, too costly and too many directives, and accepts the same shapes within the limits', async () => {
    const deep = await timedPost(deepSessionQuery(5), { id: sessionId });
    expectRefused(deep.result, /depth limit of 10 exceeded, found 12/);
    await graphqlOk(server.url, deepSessionQuery(4), { id: sessionId });

    // Each nesting level multiplies the cost by 1.5: 15 aliases of this weigh about 8,300 against a limit of 5,000,
    // within the depth and alias limits.
    const costly = `query($id:ID!){${Array.from({ length: 15 }, (_, i) => `a${i}:session(id:$id){...C0}`).join(' ')}}
      fragment C0 on Session{...C1} fragment C1 on Session{...C2}
      fragment C2 on Session{packages{id filename title position sizeBytes scormVersion scoCount description descriptionSource error warnings}}`;
    const cost = await timedPost(costly, { id: sessionId });
    expectRefused(cost.result, /Cost limit of 5000 exceeded/);

    const directives = `query($id:ID!,$t:Boolean=true){session(id:$id){${Array.from({ length: 11 }, () => 'id@include(if:$t)').join(' ')}}}`;
    expectRefused((await timedPost(directives, { id: sessionId })).result, /Directives limit of 10 exceeded/);
    console.log(
      `depth 12 refused in ${deep.ms.toFixed(1)} ms, cost over 5000 refused in ${cost.ms.toFixed(1)} ms`,
    );
  });

  it("accepts the web app's heaviest query as Apollo Client sends it", async () => {
    const result = await graphql(
      server.url,
      `
        query Session($id: ID!) {
          session(id: $id) {
            id
            createdAt
            packages {
              ...PackageFields
              __typename
            }
            descriptionTask {
              ...DescriptionTaskFields
              __typename
            }
            __typename
          }
          merges: session(id: $id) {
            id
            merges {
              id
              status
              progress
              step
              downloadUrl
              sizeBytes
              error
              title
              includeMenu
              scormVersion
              modules {
                folder
                title
                scoCount
                items
                __typename
              }
              createdAt
              finishedAt
              __typename
            }
            __typename
          }
        }
        fragment PackageFields on Package {
          id
          filename
          title
          position
          sizeBytes
          scormVersion
          scoCount
          description
          descriptionSource
          error
          warnings
          __typename
        }
        fragment DescriptionTaskFields on DescriptionTask {
          id
          status
          total
          completed
          failed
          progress
          message
          startedAt
          finishedAt
          __typename
        }
      `,
      { id: sessionId },
    );
    expect(result.errors).toBeUndefined();
  });
});

describe('GraphQL limits over graphql-ws', () => {
  let ws: SubscriptionClient;

  beforeAll(() => {
    ws = subscriptionClient(server.url);
  });

  afterAll(async () => {
    await ws?.close();
  });

  /** The first answer to one operation over the socket: its data, or the errors it was refused with. */
  function overWebSocket(query: string, variables: Record<string, unknown>): Promise<GraphQLResult<unknown>> {
    return new Promise((resolve) => {
      const stop = ws.client.subscribe(
        { query, variables },
        {
          next: (result) => {
            stop();
            resolve(result as GraphQLResult<unknown>);
          },
          error: (errors) => resolve({ errors: errors as GraphQLResult<unknown>['errors'] }),
          complete: () => undefined,
        },
      );
    });
  }

  const manyAliases = (count: number) => Array.from({ length: count }, (_, i) => `p${i}: progress`).join(' ');

  it('refuses an over-aliased or over-deep subscription, and still serves one within the limits', async () => {
    const started = performance.now();
    const aliased = await overWebSocket(
      `subscription($s: ID!) { mergeProgress(sessionId: $s) { ${manyAliases(DEFAULT_MAX_ALIASES + 1)} } }`,
      { s: sessionId },
    );
    const aliasMs = performance.now() - started;
    expectRefused(aliased, /Aliases limit of 15 exceeded, found 16/);

    const fragments = Array.from({ length: 5 }, (_, i) =>
      i === 4
        ? `fragment M${i} on MergeProgress { progress }`
        : `fragment M${i} on MergeProgress { ...M${i + 1} }`,
    ).join(' ');
    const deep = await overWebSocket(
      `subscription($s: ID!) { mergeProgress(sessionId: $s) { ...M0 } } ${fragments}`,
      { s: sessionId },
    );
    expectRefused(deep, /depth limit of 10 exceeded, found 12/);

    // Within the limits, the same socket still subscribes.
    const live = await ws.subscribe(
      'mergeProgress',
      `subscription($s: ID!) { mergeProgress(sessionId: $s) { ${manyAliases(DEFAULT_MAX_ALIASES)} } }`,
      { s: sessionId },
    );
    expect(live.error).toBeUndefined();
    live.stop();
    console.log(`over-aliased subscription over graphql-ws refused in ${aliasMs.toFixed(1)} ms`);
  });

  it('refuses an over-aliased query and an over-long document over the socket', async () => {
    const aliased = await overWebSocket(
      `query($id: ID!) { session(id: $id) { ${Array.from({ length: 16 }, (_, i) => `i${i}: id`).join(' ')} } }`,
      { id: sessionId },
    );
    expectRefused(aliased, /Aliases limit of 15 exceeded, found 16/);

    const started = performance.now();
    const attack = await overWebSocket(sessionAliasAttack(3800), { i: sessionId });
    const attackMs = performance.now() - started;
    expectRefused(attack, /Document contains more tha[nt] 1000 tokens/);

    const mutation = await overWebSocket(createSessionAliasAttack(DEFAULT_MAX_ALIASES + 1), {});
    expectRefused(mutation, /Aliases limit of 15 exceeded/);
    console.log(`3,800-alias query over graphql-ws refused in ${attackMs.toFixed(1)} ms`);

    const ok = await overWebSocket('query($id: ID!) { session(id: $id) { id } }', { id: sessionId });
    expect(ok).toEqual({ data: { session: { id: sessionId } } });
  });
});
