import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../support/api-server';

/** A multipart upload of `file`, sent in two halves: the second only after the answer has come. */
function uploadAnsweredMidway(
  url: string,
  path: string,
  file: Buffer,
): Promise<{ response: IncomingMessage; body: string; secondHalfError: Error | null }> {
  const boundary = 'early-refusal-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.zip"\r\nContent-Type: application/zip\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Buffer.concat([head, file, tail]);
  const half = Math.floor(body.length / 2);
  return new Promise((resolve, reject) => {
    let secondHalfError: Error | null = null;
    const request = httpRequest(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length },
    });
    request.on('error', (error) => {
      secondHalfError = error;
    });
    request.on('response', (response) => {
      // The server has answered before reading the rest: now send it, as a client still uploading does.
      request.end(body.subarray(half), () => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => setTimeout(() => resolve({ response, body: text, secondHalfError }), 200));
        response.on('error', reject);
      });
    });
    request.write(body.subarray(0, half));
  });
}

describe('an upload refused before its body is read', () => {
  let work: string;
  let server: ApiServer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-security-early-'));
    server = await startApiServer({ dataDir: join(work, 'data') });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps reading a small body, so a client still sending it gets its answer and keeps its connection', async () => {
    const result = await uploadAnsweredMidway(
      server.url,
      '/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/packages',
      buildScorm12Package({ title: 'Lost' }),
    );
    expect(result.secondHalfError).toBeNull();
    expect(result.response.statusCode).toBe(404);
    expect(result.response.headers.connection).not.toBe('close');
    expect(JSON.parse(result.body)).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
