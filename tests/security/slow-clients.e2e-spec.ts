/**
 * Slow clients (point 12 of issue 20), against the real server with small timeouts: a client that
 * dribbles its headers, or whose body stops moving, is dropped after the configured time, while an
 * upload that is slow but keeps moving runs to its end however long it takes in total.
 */
import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { connect, type Socket } from 'node:net';
import { graphqlOk } from '../support/api-client';
import { startConfiguredServer, type ConfiguredServer } from './configured-server';

const HEADERS_TIMEOUT_MS = 1500;
const IDLE_TIMEOUT_MS = 1500;
/** Node checks the headers timeout once a second (the server sets that interval). */
const CHECK_SLACK_MS = 1500;

let server: ConfiguredServer;

beforeAll(async () => {
  server = await startConfiguredServer('slow-clients', {
    server: {
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: 1000,
    },
  });
});
afterAll(() => server.stop());

interface Connection {
  socket: Socket;
  received: () => string;
  /** Milliseconds from connecting until the server closed the connection. */
  closed: Promise<number>;
}

function open(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(server.api.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (text: string) => (received += text));
    socket.on('error', () => undefined); // a reset is one way of being dropped
    const closed = new Promise<number>((done) =>
      socket.once('close', () => done(performance.now() - started)),
    );
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newSession(): Promise<string> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    server.api.url,
    'mutation { createSession { id } }',
  );
  return createSession.id;
}

function multipart(sessionId: string, file: Buffer): { head: string; body: Buffer } {
  const boundary = 'slow-client-boundary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="slow.zip"\r\n` +
        'Content-Type: application/zip\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const head =
    `POST /api/sessions/${sessionId}/packages HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${body.length}\r\n\r\n`;
  return { head, body };
}

it('drops a client that dribbles its headers (slowloris) after server.headersTimeoutMs', async () => {
  const connection = await open();
  connection.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  // One header line every 300 ms keeps the connection busy, so only the headers timeout can end it.
  const dribble = setInterval(
    () => connection.socket.writable && connection.socket.write('X-Slow: 1\r\n'),
    300,
  );
  const closedAfter = await connection.closed;
  clearInterval(dribble);
  expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
  expect(closedAfter).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_SLACK_MS);
  expect(connection.received()).not.toContain('200 OK');
  console.log(
    `header dribbler dropped after ${Math.round(closedAfter)} ms (headersTimeoutMs ${HEADERS_TIMEOUT_MS}); answer: ${JSON.stringify(connection.received().split('\r\n')[0])}`,
  );
});

it('drops an upload whose body stops moving after server.idleTimeoutMs, and keeps nothing of it', async () => {
  const sessionId = await newSession();
  const { head, body } = multipart(sessionId, buildScorm12Package({ title: 'Stalled Upload' }));
  const connection = await open();
  connection.socket.write(head);
  connection.socket.write(body.subarray(0, Math.floor(body.length / 2)));
  const closedAfter = await connection.closed;
  expect(closedAfter).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
  expect(closedAfter).toBeLessThan(IDLE_TIMEOUT_MS + 1000);
  const { session } = await graphqlOk<{ session: { packages: unknown[] } }>(
    server.api.url,
    'query ($id: ID!) { session(id: $id) { packages { id } } }',
    { id: sessionId },
  );
  expect(session.packages).toEqual([]);
  console.log(
    `stalled upload body dropped after ${Math.round(closedAfter)} ms (idleTimeoutMs ${IDLE_TIMEOUT_MS})`,
  );
});

it('lets a slow but moving upload run far past every timeout and answers 201', async () => {
  const sessionId = await newSession();
  const { head, body } = multipart(sessionId, buildScorm12Package({ title: 'Slow But Moving' }));
  const connection = await open();
  const started = performance.now();
  connection.socket.write(head);
  // 12 pieces, one every 500 ms: about 6 s in all, four times each timeout, never idle for long.
  const pieces = 12;
  const size = Math.ceil(body.length / pieces);
  for (let i = 0; i < pieces; i++) {
    connection.socket.write(body.subarray(i * size, (i + 1) * size));
    await pause(500);
  }
  while (!connection.received().includes('\r\n\r\n[')) {
    if (connection.socket.destroyed) break;
    await pause(50);
  }
  const tookMs = Math.round(performance.now() - started);
  connection.socket.destroy();
  expect(connection.received()).toMatch(/^HTTP\/1\.1 201 Created/);
  expect(connection.received()).toContain('"title":"Slow But Moving"');
  expect(tookMs).toBeGreaterThan(3 * Math.max(HEADERS_TIMEOUT_MS, IDLE_TIMEOUT_MS));
  console.log(
    `slow but moving upload (${body.length} bytes in ${pieces} pieces) answered 201 after ${tookMs} ms`,
  );
});

it('closes an idle keep-alive connection after server.keepAliveTimeoutMs', async () => {
  const connection = await open();
  connection.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  const closedAfter = await connection.closed;
  expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK/);
  expect(closedAfter).toBeLessThan(1000 + 1500);
  console.log(
    `idle keep-alive connection closed after ${Math.round(closedAfter)} ms (keepAliveTimeoutMs 1000)`,
  );
});
