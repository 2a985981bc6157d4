/**
 * Rate limits per client (point 3 of issue 20), against the real server: createSession, uploads,
 * startDescriptions and startMerge each have their own count per window; past it REST answers 429 with
 * Retry-After and GraphQL answers the error code TOO_MANY_REQUESTS with `retryAfterSeconds`.
 */
import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { startConfiguredServer, timed, type ConfiguredServer } from './configured-server';

const WINDOW_SECONDS = 60;

interface GraphQLAnswer {
  status: number;
  retryAfter: string | null;
  data?: Record<string, { id: string } | null> | null;
  errors?: Array<{
    message: string;
    path?: string[];
    extensions?: { code?: string; retryAfterSeconds?: number };
  }>;
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLAnswer> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    ...(await response.json()),
  };
}

async function upload(url: string, sessionId: string, name: string): Promise<Response> {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(buildScorm12Package({ title: name }))]), `${name}.zip`);
  return fetch(`${url}/api/sessions/${sessionId}/packages`, { method: 'POST', body: form });
}

const CREATE_SESSION = 'mutation { createSession { id } }';
const START_DESCRIPTIONS = 'mutation ($id: ID!) { startDescriptions(sessionId: $id) { id } }';
const START_MERGE = 'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }';

function expectRefused(answer: GraphQLAnswer, field: string): void {
  expect(answer.data?.[field] ?? null).toBeNull();
  const error = answer.errors?.[0];
  expect(error?.extensions?.code).toBe('TOO_MANY_REQUESTS');
  expect(error?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
  expect(error?.extensions?.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(Number(answer.retryAfter)).toBe(error?.extensions?.retryAfterSeconds);
}

describe('rate limits per client (socket address)', () => {
  let server: ConfiguredServer;
  let sessionId: string;

  beforeAll(async () => {
    server = await startConfiguredServer('rate-limits', {
      rateLimits: {
        windowSeconds: WINDOW_SECONDS,
        createSession: 3,
        upload: 2,
        startDescriptions: 2,
        startMerge: 2,
      },
    });
    const first = await post(server.api.url, CREATE_SESSION);
    sessionId = (first.data?.['createSession'] as { id: string }).id;
  });
  afterAll(() => server.stop());

  it('answers uploads past the limit with 429, Retry-After and a JSON message', async () => {
    for (const name of ['Limit One', 'Limit Two'])
      expect((await upload(server.api.url, sessionId, name)).status).toBe(201);
    const { ms, result: refused } = await timed(() => upload(server.api.url, sessionId, 'Limit Three'));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(await refused.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('try again in'),
    });
    console.log(`upload 3 of limit 2: 429 in ${ms} ms, Retry-After: ${retryAfter} s`);
  });

  it('refuses startDescriptions and startMerge past their own limits with TOO_MANY_REQUESTS', async () => {
    for (let i = 0; i < 2; i++)
      expect((await post(server.api.url, START_DESCRIPTIONS, { id: sessionId })).errors).toBeUndefined();
    const descriptions = await post(server.api.url, START_DESCRIPTIONS, { id: sessionId });
    expectRefused(descriptions, 'startDescriptions');
    for (let i = 0; i < 2; i++)
      expect((await post(server.api.url, START_MERGE, { id: sessionId })).errors).toBeUndefined();
    const merge = await post(server.api.url, START_MERGE, { id: sessionId });
    expectRefused(merge, 'startMerge');
    console.log(
      `startDescriptions 3 of 2: ${descriptions.errors?.[0].message}; startMerge 3 of 2: ${merge.errors?.[0].message}`,
    );
  });

  it('refuses createSession past the limit, and a made-up X-Forwarded-For does not help', async () => {
    // One session was created in beforeAll; the limit is 3.
    for (let i = 0; i < 2; i++) expect((await post(server.api.url, CREATE_SESSION)).errors).toBeUndefined();
    const { ms, result } = await timed(() =>
      post(server.api.url, CREATE_SESSION, {}, { 'x-forwarded-for': '198.51.100.77' }),
    );
    expectRefused(result, 'createSession');
    console.log(
      `createSession 4 of 3 (with a forged X-Forwarded-For): refused in ${ms} ms, retry after ${result.retryAfter} s`,
    );
  });

  it('leaves queries alone once a client is limited', async () => {
    // More queries than any limit above: reads are never counted.
    for (let i = 0; i < 10; i++) {
      const answer = await post(server.api.url, 'query ($id: ID!) { session(id: $id) { id } }', {
        id: sessionId,
      });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.['session']).toEqual({ id: sessionId });
    }
  });
});

describe('rate limits behind a trusted proxy (server.trustProxy)', () => {
  let server: ConfiguredServer;

  beforeAll(async () => {
    server = await startConfiguredServer('rate-limits-proxy', {
      server: { trustProxy: true },
      rateLimits: { windowSeconds: WINDOW_SECONDS, createSession: 2 },
    });
  });
  afterAll(() => server.stop());

  it('counts each client by the first X-Forwarded-For hop', async () => {
    const asClient = (address: string) => ({ 'x-forwarded-for': `${address}, 10.0.0.1` });
    for (let i = 0; i < 2; i++) {
      expect(
        (await post(server.api.url, CREATE_SESSION, {}, asClient('203.0.113.1'))).errors,
      ).toBeUndefined();
    }
    expectRefused(await post(server.api.url, CREATE_SESSION, {}, asClient('203.0.113.1')), 'createSession');
    expect((await post(server.api.url, CREATE_SESSION, {}, asClient('203.0.113.2'))).errors).toBeUndefined();
  });

  it('counts every alias of an aliased burst: of 10 createSession aliases, 2 run', async () => {
    const burster = { 'x-forwarded-for': '203.0.113.3' };
    // 10 stays under graphql.maxAliases, which refuses a larger burst before any of it runs.
    const aliases = Array.from({ length: 10 }, (_, i) => `s${i}: createSession { id }`).join(' ');
    const { ms, result } = await timed(() => post(server.api.url, `mutation { ${aliases} }`, {}, burster));
    // Mutations run in order and Session! is non-null: the first refusal (the third alias) ends the operation.
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0].path).toEqual(['s2']);
    expect(result.errors?.[0].extensions?.code).toBe('TOO_MANY_REQUESTS');
    expectRefused(await post(server.api.url, CREATE_SESSION, {}, burster), 'createSession');
    console.log(`10 aliased createSession in one request: refused at alias s2 (2 ran), in ${ms} ms`);
  });
});
