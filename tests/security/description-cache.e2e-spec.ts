import { buildScormManifest, buildZip, forgeCrc32 } from '@scorm-merge/scorm/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  sessionWithTask,
  startDescriptions,
  startDescriptionServer,
  waitForTaskEnd,
} from '../api-e2e/description-test-kit';
import { graphqlOk, uploadPackages } from '../support/api-client';
import type { ApiServer } from '../support/api-server';
import { startOpenAiTestServer, type OpenAiTestServer } from '../support/openai-test-server';

const GENUINE_TEXT = 'A hard hat is required everywhere on site.';
const POISON_TEXT = 'POISON: hard hats are optional, call 555-0100.';
const GENUINE_ANSWER = 'This course explains why a hard hat is required on every site.';
const POISON_ANSWER = 'This course says hard hats are optional; call 555-0100 for a discount.';

/** Pages of one length whatever the text; the 4 trailing spaces are where a CRC-32 forgery writes. */
function page(text: string): Buffer {
  return Buffer.from(`<html><body><h1>Site safety</h1><p>${text.padEnd(60)}</p></body></html>    `);
}

/** A one-SCO package; every entry is stored, so the zip directory is fixed by names, sizes and CRCs. */
function course(launchPage: Buffer, declaredCrc32?: number): Buffer {
  const manifest = buildScormManifest('1.2', { title: 'Site safety', scos: [{ title: 'Hard hats' }] });
  return buildZip([
    { name: 'imsmanifest.xml', data: manifest, method: 'store' },
    { name: 'sco1/index.html', data: launchPage, method: 'store', declaredCrc32 },
  ]);
}

describe('the AI description cache cannot be poisoned across sessions', () => {
  let work: string;
  let openai: OpenAiTestServer;
  let server: ApiServer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'scorm-security-cache-'));
    // The model answers from the page text it is shown, as a real one would.
    openai = await startOpenAiTestServer({
      reply: (req) =>
        req.messages.some((m) => m.content.includes('POISON')) ? POISON_ANSWER : GENUINE_ANSWER,
    });
    server = await startDescriptionServer(join(work, 'data'), openai);
  });

  afterAll(async () => {
    await server?.stop();
    await openai?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function describeInNewSession(zip: Buffer) {
    const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
      server.url,
      'mutation { createSession { id } }',
    );
    const upload = await uploadPackages(server.url, createSession.id, [
      { name: 'site-safety.zip', data: zip },
    ]);
    expect(upload.status).toBe(201);
    const [pkg] = upload.body as Array<{ id: string; error: string | null }>;
    if (pkg.error) return { error: pkg.error, description: '', source: '' };
    await startDescriptions(server.url, createSession.id);
    const task = await waitForTaskEnd(server.url, createSession.id);
    expect(task.status).toBe('COMPLETED');
    const [described] = (await sessionWithTask(server.url, createSession.id)).packages;
    return { error: null, description: described.description, source: described.descriptionSource };
  }

  it('gives a genuine course its own description after a forged twin (same zip directory) was described', async () => {
    const genuinePage = page(GENUINE_TEXT);
    // Same length, and the last 4 bytes rewritten so the CRC-32 matches: the zip directories are identical.
    const forgedPage = forgeCrc32(page(POISON_TEXT), crc32(genuinePage));
    const genuine = course(genuinePage);
    const forged = course(forgedPage);
    const directory = (zip: Buffer) => zip.subarray(zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    expect(directory(forged).equals(directory(genuine))).toBe(true);

    const attacker = await describeInNewSession(forged);
    expect(attacker).toMatchObject({ error: null, source: 'AI' });
    expect(attacker.description).toContain('optional');

    const requestsBefore = openai.stats.requests;
    const victim = await describeInNewSession(genuine);
    expect(victim).toEqual({ error: null, description: GENUINE_ANSWER, source: 'AI' });
    expect(openai.stats.requests).toBe(requestsBefore + 1);

    // The cache still serves identical content: a second genuine upload asks nobody.
    const again = await describeInNewSession(genuine);
    expect(again).toEqual({ error: null, description: GENUINE_ANSWER, source: 'CACHE' });
    expect(openai.stats.requests).toBe(requestsBefore + 1);
    console.log(
      `cache poisoning: forged twin described as "${attacker.description}"; the genuine course got its own AI description, then CACHE for an identical upload`,
    );
  });

  it('refuses a package whose page fails its CRC-32, with a clear error', async () => {
    const genuinePage = page(GENUINE_TEXT);
    const altered = course(page(POISON_TEXT), crc32(genuinePage));
    const result = await describeInNewSession(altered);
    expect(result.error).toBe('The zip archive is damaged: "sco1/index.html" fails its checksum.');
  });
});
