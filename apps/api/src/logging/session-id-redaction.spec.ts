import { randomBytes, randomUUID } from 'node:crypto';
import { redactLogMessage, redactSessionIds } from './session-id-redaction';

describe('session id redaction', () => {
  it('cuts every session id to its first four characters, wherever it stands', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomBytes(16).toString('base64url');
      expect(redactSessionIds(`/api/sessions/${id}/packages`)).toBe(
        `/api/sessions/${id.slice(0, 4)}…/packages`,
      );
      expect(redactSessionIds(`Session ${id} not found`)).toBe(`Session ${id.slice(0, 4)}… not found`);
    }
  });

  it("cuts a preview content URL's capability HMAC to its first four characters", () => {
    const id = randomUUID();
    const origin = Buffer.from('http://localhost:3000').toString('base64url');
    const mac = randomBytes(32).toString('base64url');
    expect(redactSessionIds(`/preview/packages/${id}.${origin}.${mac}/sco/index.html`)).toBe(
      `/preview/packages/${id}.${origin}.${mac.slice(0, 4)}…/sco/index.html`,
    );
  });

  it('leaves UUIDs, longer tokens and ordinary text alone', () => {
    const uuid = randomUUID();
    expect(redactSessionIds(`/merges/${uuid}/download`)).toBe(`/merges/${uuid}/download`);
    const longer = randomBytes(32).toString('base64url');
    expect(redactSessionIds(longer)).toBe(longer);
    expect(redactSessionIds('packages are inspected on a worker thread')).toBe(
      'packages are inspected on a worker thread',
    );
  });

  it('redacts structured messages without changing the logged object', () => {
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    const message = { msg: 'upload stream failed', sessionId: id, nested: [{ path: `/s/${id}` }], ms: 3 };
    expect(redactLogMessage(message)).toEqual({
      msg: 'upload stream failed',
      sessionId: 'AAAA…',
      nested: [{ path: '/s/AAAA…' }],
      ms: 3,
    });
    expect(message.sessionId).toBe(id);
  });
});
