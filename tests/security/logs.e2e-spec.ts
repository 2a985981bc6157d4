import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';

/** The session id is the only key to a session and the API key is the operator's secret: neither goes to the log. */

const API_KEY = 'sk-log-sentinel-9f3c2a7e5b1d4c6a8e0f';

let root: string;
let openai: OpenAiTestServer;
let server: ApiServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'scorm-security-logs-'));
  // Every AI request fails, so the retry and fallback paths log their errors too.
  openai = await startOpenAiTestServer({ failEvery: 1 });
  const configFile = join(root, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      descriptions: { maxRetries: 1, backoffBaseMs: 10, backoffMaxMs: 20 },
      openai: { timeout: 2000 },
    }),
  );
  mkdirSync(join(root, 'data'));
  server = await startApiServer({
    dataDir: join(root, 'data'),
    env: { CONFIG_FILE: configFile, OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: openai.url },
  });
});

afterAll(async () => {
  await server?.stop();
  await openai?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Sends the head of a multipart upload and a little of a file, then drops the connection. */
function abortedUpload(sessionId: string): Promise<void> {
  const boundary = 'scorm-merge-aborted-upload';
  return new Promise((resolve) => {
    const request = httpRequest(`${server.url}/api/sessions/${sessionId}/packages`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 10_000_000 },
    });
    request.on('error', () => resolve());
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.zip"\r\n` +
        `Content-Type: application/zip\r\n\r\n${'x'.repeat(64 * 1024)}`,
      () => setTimeout(() => request.destroy(), 200),
    );
    request.on('close', () => resolve());
  });
}

async function waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = server.logs.find((candidate) => pattern.test(candidate));
    if (line) return line;
    if (Date.now() > until) throw new Error(`no log line matched ${pattern}:\n${server.logs.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('cuts session ids to a short prefix in every log line and never logs the API key', async () => {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.url,
    'mutation { createSession { id } }',
  );
  const sessionId = createSession.id;
  const prefix = `${sessionId.slice(0, 4)}…`;

  // Every way a session id reaches the server: upload and download URLs, the web app's page, GraphQL, and a
  // failed upload and description requests, whose services log the session and the AI provider's errors.
  const upload = await uploadPackages(server.url, sessionId, [
    { name: 'logged.zip', data: buildScorm12Package({ title: 'Logged course' }) },
  ]);
  expect(upload.status).toBe(201);
  await fetch(`${server.url}/api/sessions/${sessionId}/merges/00000000-0000-4000-8000-000000000000/download`);
  await fetch(`${server.url}/s/${sessionId}/merge`);
  await graphqlOk(server.url, 'mutation ($id: ID!) { startDescriptions(sessionId: $id) { id } }', {
    id: sessionId,
  });
  await abortedUpload(sessionId);

  const uploadLine = await waitForLog(/"path":"\/api\/sessions\/[^"]*\/packages","status":201/);
  const failedUploadLine = await waitForLog(/upload stream failed/);
  await waitForLog(/retrying description request/);
  await waitForLog(/"path":"\/s\/[^"]*\/merge"/);
  expect(openai.stats.requests).toBeGreaterThan(0);

  const logs = server.logs.join('\n');
  expect(uploadLine).toContain(`/api/sessions/${prefix}/packages`);
  expect(failedUploadLine).toContain(`"sessionId":"${prefix}"`);
  expect(logs).toContain(`/s/${prefix}/merge`);
  expect(logs).toContain(`/api/sessions/${prefix}/merges/00000000-0000-4000-8000-000000000000/download`);
  expect(logs).not.toContain(sessionId);
  expect(logs).not.toContain(API_KEY);
  expect(logs).not.toContain(API_KEY.slice(-12));
  console.log(
    `${server.logs.length} log lines, ${logs.split(prefix).length - 1} mentions of session ${prefix}, ` +
      `0 of the full id and 0 of the API key (${openai.stats.requests} failed AI requests logged)`,
  );
});
