/**
 * Origins (point 7 of issue 20), against the real server: a browser on another site cannot upload,
 * call GraphQL over HTTP or open the GraphQL WebSocket; the app's own origin, the origins listed in
 * server.allowedOrigins and clients that send no Origin at all (curl, servers) can.
 */
import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import WebSocket from 'ws';
import { graphqlOk } from '../support/api-client';
import { startConfiguredServer, timed, type ConfiguredServer } from './configured-server';

const FOREIGN = 'https://evil.example';
const LISTED = 'https://lms.example.com';

function postGraphQL(url: string, query: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

function upload(url: string, sessionId: string, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.append('files', new Blob([new Uint8Array(buildScorm12Package({ title: 'Cross Site' }))]), 'cross.zip');
  return fetch(`${url}/api/sessions/${sessionId}/packages`, { method: 'POST', body: form, headers });
}

/** Opens a graphql-ws socket; resolves with the HTTP status of a refused upgrade, or 101 once acknowledged. */
function openGraphQLSocket(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', {
      headers,
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.once('message', (data) => {
      expect(JSON.parse(String(data))).toEqual({ type: 'connection_ack' });
      socket.close();
      resolve(101);
    });
    socket.once('error', reject);
  });
}

async function packageCount(url: string, sessionId: string): Promise<number> {
  const { session } = await graphqlOk<{ session: { packages: unknown[] } }>(
    url,
    'query ($id: ID!) { session(id: $id) { packages { id } } }',
    { id: sessionId },
  );
  return session.packages.length;
}

describe('default policy: same origin only', () => {
  let server: ConfiguredServer;
  let url: string;
  let ownOrigin: string;
  let sessionId: string;

  beforeAll(async () => {
    server = await startConfiguredServer('origins', {});
    url = server.api.url;
    ownOrigin = url;
    ({
      createSession: { id: sessionId },
    } = await graphqlOk<{ createSession: { id: string } }>(url, 'mutation { createSession { id } }'));
  });
  afterAll(() => server.stop());

  it('refuses a cross-site upload with 403 and stores nothing', async () => {
    const { ms, result } = await timed(() => upload(url, sessionId, { origin: FOREIGN }));
    expect(result.status).toBe(403);
    expect(await result.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: expect.stringContaining(FOREIGN),
    });
    expect(await packageCount(url, sessionId)).toBe(0);
    console.log(`cross-site upload refused with 403 in ${ms} ms`);
  });

  it('refuses GraphQL over HTTP (POST and GET) from another origin, and Origin: null', async () => {
    const post = await postGraphQL(url, 'mutation { createSession { id } }', { origin: FOREIGN });
    expect(post.status).toBe(403);
    const get = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: FOREIGN, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(403);
    expect((await postGraphQL(url, '{ __typename }', { origin: 'null' })).status).toBe(403);
    // Same host, other port or scheme: another origin.
    expect((await postGraphQL(url, '{ __typename }', { origin: url.replace(/:\d+$/, ':1') })).status).toBe(
      403,
    );
    expect(
      (await postGraphQL(url, '{ __typename }', { origin: url.replace('http:', 'https:') })).status,
    ).toBe(403);
  });

  it('refuses a WebSocket upgrade on /graphql from another origin before the handshake', async () => {
    const { ms, result } = await timed(() => openGraphQLSocket(url, { origin: FOREIGN }));
    expect(result).toBe(403);
    console.log(`cross-site WebSocket upgrade refused with ${result} in ${ms} ms`);
  });

  it('allows the same origin and clients without an Origin header', async () => {
    expect((await upload(url, sessionId, { origin: ownOrigin })).status).toBe(201);
    expect((await upload(url, sessionId)).status).toBe(201);
    expect((await postGraphQL(url, '{ __typename }', { origin: ownOrigin })).status).toBe(200);
    expect((await postGraphQL(url, '{ __typename }')).status).toBe(200);
    expect(await openGraphQLSocket(url, { origin: ownOrigin })).toBe(101);
    expect(await openGraphQLSocket(url)).toBe(101);
  });

  it('ignores X-Forwarded-Host when the proxy is not trusted', async () => {
    const answer = await postGraphQL(url, '{ __typename }', {
      origin: 'https://app.example.com',
      'x-forwarded-host': 'app.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(answer.status).toBe(403);
  });
});

describe('server.allowedOrigins and server.trustProxy', () => {
  let server: ConfiguredServer;
  let url: string;

  beforeAll(async () => {
    server = await startConfiguredServer('origins-listed', {
      server: { allowedOrigins: [LISTED], trustProxy: true },
    });
    url = server.api.url;
  });
  afterAll(() => server.stop());

  it('allows a listed origin over HTTP and WebSocket, and still refuses others', async () => {
    expect((await postGraphQL(url, '{ __typename }', { origin: LISTED })).status).toBe(200);
    expect(await openGraphQLSocket(url, { origin: LISTED })).toBe(101);
    expect((await postGraphQL(url, '{ __typename }', { origin: FOREIGN })).status).toBe(403);
    expect(await openGraphQLSocket(url, { origin: FOREIGN })).toBe(403);
  });

  it("takes the request's own origin from X-Forwarded-Proto and X-Forwarded-Host behind a trusted proxy", async () => {
    const proxied = { 'x-forwarded-host': 'app.example.com', 'x-forwarded-proto': 'https' };
    expect(
      (await postGraphQL(url, '{ __typename }', { origin: 'https://app.example.com', ...proxied })).status,
    ).toBe(200);
    expect(await openGraphQLSocket(url, { origin: 'https://app.example.com', ...proxied })).toBe(101);
    expect(
      (await postGraphQL(url, '{ __typename }', { origin: 'http://app.example.com', ...proxied })).status,
    ).toBe(403);
  });
});

it('refuses to start with an entry of server.allowedOrigins that is not an origin', async () => {
  await expect(
    startConfiguredServer('origins-invalid', { server: { allowedOrigins: ['lms.example.com'] } }),
  ).rejects.toThrow(/server\.allowedOrigins: .*lms\.example\.com.* is not an origin/);
});
