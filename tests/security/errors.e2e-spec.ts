import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql, graphqlOk, uploadPackages, type GraphQLResult } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { subscriptionClient } from '../support/graphql-subscriptions';

/** Honest errors: GraphQL codes, nothing raw or internal to a client, and one REST error shape. */

let root: string;
let server: ApiServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'scorm-security-errors-'));
  server = await startApiServer({ dataDir: join(root, 'data') });
});

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function createSession(url: string): Promise<string> {
  return (await graphqlOk<{ createSession: { id: string } }>(url, 'mutation { createSession { id } }'))
    .createSession.id;
}

/** Nothing from the server's insides: no stack, no file path, no Nest exception body. */
function expectNothingInternal(body: unknown): void {
  const text = JSON.stringify(body);
  for (const leak of [
    'stacktrace',
    'originalError',
    '/work/',
    'dist/apps',
    'node_modules',
    '.js:',
    'Sqlite',
    'SQLITE',
  ]) {
    expect(text).not.toContain(leak);
  }
}

function firstError(result: GraphQLResult<unknown>) {
  expect(result.errors).toHaveLength(1);
  return result.errors?.[0];
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

/** Renames a table under the running server, so its next query fails inside SQLite, then puts it back. */
async function withTableGone<T>(dataDir: string, table: string, run: () => Promise<T>): Promise<T> {
  const db = new Database(join(dataDir, 'scorm-merge.sqlite'));
  try {
    db.exec(`ALTER TABLE "${table}" RENAME TO "${table}_gone"`);
    try {
      return await run();
    } finally {
      db.exec(`ALTER TABLE "${table}_gone" RENAME TO "${table}"`);
    }
  } finally {
    db.close();
  }
}

describe('GraphQL errors', () => {
  it('answers NOT_FOUND and BAD_USER_INPUT with the services’ messages and no stack trace', async () => {
    const sessionId = await createSession(server.url);
    const notFound = await graphql(
      server.url,
      'mutation { reorderPackages(sessionId: "nope", packageIds: []) { id } }',
    );
    expect(firstError(notFound)).toEqual({
      message: 'Session nope not found',
      locations: [{ line: 1, column: 12 }],
      path: ['reorderPackages'],
      extensions: { code: 'NOT_FOUND' },
    });
    const unknownPackage = await graphql(
      server.url,
      'mutation ($id: ID!) { removePackage(sessionId: $id, packageId: "no-such-package") { id } }',
      { id: sessionId },
    );
    expect(firstError(unknownPackage)?.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(firstError(unknownPackage)?.message).toBe(
      `Package no-such-package not found in session ${sessionId}`,
    );

    const duplicate = await graphql(
      server.url,
      'mutation ($id: ID!) { reorderPackages(sessionId: $id, packageIds: ["a", "a"]) { id } }',
      { id: sessionId },
    );
    expect(firstError(duplicate)).toMatchObject({
      message: 'packageIds lists a package more than once',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const nothingToMerge = await graphql(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
      {
        id: sessionId,
      },
    );
    expect(firstError(nothingToMerge)).toMatchObject({
      message: expect.stringMatching(/no valid package/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const badVariable = await graphql(server.url, 'query ($id: ID!) { session(id: $id) { id } }', {
      id: { a: 1 },
    });
    expect(firstError(badVariable)?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const badSyntax = await graphql(server.url, '{ session(id: 1 }');
    expect(firstError(badSyntax)?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');

    for (const result of [notFound, unknownPackage, duplicate, nothingToMerge, badVariable, badSyntax]) {
      expectNothingInternal(result);
    }
  });

  it('answers a fault inside SQLite with a generic INTERNAL_SERVER_ERROR, the detail only in the log', async () => {
    const sessionId = await createSession(server.url);
    const logLinesBefore = server.logs.length;
    const started = performance.now();
    const result = await withTableGone(join(root, 'data'), 'merge', () =>
      graphql(server.url, 'query ($id: ID!) { session(id: $id) { id merges { id } } }', { id: sessionId }),
    );
    const ms = performance.now() - started;
    expect(firstError(result)).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 42 }],
      path: ['session', 'merges'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expectNothingInternal(result);
    const logged = server.logs.slice(logLinesBefore).join('\n');
    expect(logged).toContain('no such table: merge');
    expect(logged).toContain('unexpected error in a GraphQL operation');
    console.log(
      `SqliteError masked as INTERNAL_SERVER_ERROR in ${ms.toFixed(1)} ms; the detail is in the server log`,
    );
  });
});

describe('GraphQL errors over graphql-ws', () => {
  it('answers the same codes, and masks faults, on the socket', async () => {
    const ws = subscriptionClient(server.url);
    const firstAnswer = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<GraphQLResult<unknown>>((resolve) => {
        ws.client.subscribe(
          { query, variables },
          {
            next: (result) => resolve(result as GraphQLResult<unknown>),
            error: (errors) => resolve({ errors: errors as GraphQLResult<unknown>['errors'] }),
            complete: () => undefined,
          },
        );
      });
    try {
      const unknownSession = await firstAnswer(
        'subscription { mergeProgress(sessionId: "nope") { progress } }',
      );
      expect(firstError(unknownSession)).toMatchObject({
        message: 'Session nope not found',
        path: ['mergeProgress'],
        extensions: { code: 'NOT_FOUND' },
      });
      const sessionId = await createSession(server.url);
      const fault = await withTableGone(join(root, 'data'), 'merge', () =>
        firstAnswer('query ($id: ID!) { session(id: $id) { merges { id } } }', { id: sessionId }),
      );
      expect(firstError(fault)).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      for (const result of [unknownSession, fault]) expectNothingInternal(result);
    } finally {
      await ws.close();
    }
  });
});

describe('REST errors', () => {
  const shapeKeys = ['error', 'message', 'statusCode'];

  it('answers every REST error as { statusCode, error, message }', async () => {
    const sessionId = await createSession(server.url);
    const cases: Array<[string, Promise<{ status: number; body: unknown }>, Record<string, unknown>]> = [
      [
        'upload to an unknown session',
        uploadPackages(server.url, 'nope', [{ name: 'a.zip', data: buildScorm12Package() }]),
        { statusCode: 404, error: 'Not Found', message: 'Session nope not found' },
      ],
      [
        'upload without multipart',
        getJson(`${server.url}/api/sessions/${sessionId}/packages`, { method: 'POST' }),
        {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Send the zips as multipart/form-data in the field "files".',
        },
      ],
      [
        'download of an unknown merge',
        getJson(`${server.url}/api/sessions/${sessionId}/merges/nope/download`),
        { statusCode: 404, error: 'Not Found', message: `Merge nope not found in session ${sessionId}` },
      ],
      [
        'unknown API route',
        getJson(`${server.url}/api/nothing-here`),
        { statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/nothing-here' },
      ],
      [
        'unknown POST route',
        getJson(`${server.url}/nothing-here`, { method: 'POST' }),
        { statusCode: 404, error: 'Not Found', message: 'Cannot POST /nothing-here' },
      ],
      [
        'malformed JSON body',
        getJson(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":',
        }),
        { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/JSON/) },
      ],
      [
        'JSON body over the 100 KB limit',
        getJson(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `{ ${'__typename '.repeat(20_000)}}` }),
        }),
        { statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' },
      ],
    ];
    for (const [name, answer, expected] of cases) {
      const { status, body } = await answer;
      expect({ name, status, body }).toEqual({ name, status: expected['statusCode'], body: expected });
      expect(Object.keys(body as object).sort()).toEqual(shapeKeys);
      expectNothingInternal(body);
    }
  });

  it('answers 409 for a merge that is not COMPLETED, in the same shape', async () => {
    const sessionId = await createSession(server.url);
    const upload = await uploadPackages(server.url, sessionId, [
      { name: 'kept.zip', data: buildScorm12Package({ title: 'Kept' }) },
      { name: 'vanished.zip', data: buildScorm12Package({ title: 'Vanished' }) },
    ]);
    const packages = upload.body as Array<{ id: string }>;
    unlinkSync(join(root, 'data', 'uploads', sessionId, `${packages[1].id}.zip`));
    const { startMerge } = await graphqlOk<{ startMerge: { id: string } }>(
      server.url,
      'mutation ($id: ID!) { startMerge(sessionId: $id) { id } }',
      { id: sessionId },
    );
    let status = 'QUEUED';
    for (let attempt = 0; attempt < 100 && (status === 'QUEUED' || status === 'RUNNING'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const data = await graphqlOk<{ session: { merges: Array<{ id: string; status: string }> } }>(
        server.url,
        'query ($id: ID!) { session(id: $id) { merges { id status } } }',
        { id: sessionId },
      );
      status = data.session.merges.find((merge) => merge.id === startMerge.id)?.status ?? status;
    }
    expect(status).toBe('FAILED');
    const download = await getJson(
      `${server.url}/api/sessions/${sessionId}/merges/${startMerge.id}/download`,
    );
    expect(download).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: 'Conflict',
        message: `Merge ${startMerge.id} is FAILED; only COMPLETED merges can be downloaded.`,
      },
    });
  });

  it('answers a fault with a generic 500 in the same shape', async () => {
    const sessionId = await createSession(server.url);
    const answer = await withTableGone(join(root, 'data'), 'merge', () =>
      getJson(`${server.url}/api/sessions/${sessionId}/merges/00000000-0000-4000-8000-000000000000/download`),
    );
    expect(answer).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' },
    });
    expect(server.logs.join('\n')).toContain('unexpected error in a request');
  });
});

describe('server.exposeErrors', () => {
  it('shows stack traces and raw messages only when it is set', async () => {
    const configFile = join(root, 'expose-errors.json');
    writeFileSync(configFile, JSON.stringify({ server: { exposeErrors: true } }));
    const dataDir = join(root, 'exposed');
    const exposed = await startApiServer({ dataDir, env: { CONFIG_FILE: configFile } });
    try {
      const notFound = await graphql(
        exposed.url,
        'mutation { reorderPackages(sessionId: "nope", packageIds: []) { id } }',
      );
      expect(firstError(notFound)?.extensions).toMatchObject({
        code: 'NOT_FOUND',
        stacktrace: expect.arrayContaining([
          expect.stringContaining('NotFoundException: Session nope not found'),
        ]),
      });
      const sessionId = await createSession(exposed.url);
      const fault = await withTableGone(dataDir, 'merge', () =>
        graphql(exposed.url, 'query ($id: ID!) { session(id: $id) { merges { id } } }', { id: sessionId }),
      );
      expect(firstError(fault)?.message).toContain('no such table: merge');
    } finally {
      await exposed.stop();
    }
  });
});
