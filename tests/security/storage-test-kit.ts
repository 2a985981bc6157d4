import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { graphqlOk } from '../support/api-client';

export const KIB = 1024;
export const MIB = 1024 * 1024;

export interface UploadAnswer {
  status: number;
  body: unknown;
}

export interface PackageEntry {
  id: string;
  filename: string;
  position: number;
  sizeBytes: number;
  error: string | null;
}

/** A valid SCORM 1.2 zip of about `bytes` bytes: random, stored (incompressible) media pads it. */
export function validPackageOfSize(title: string, bytes: number): Buffer {
  return buildScorm12Package({
    title,
    extraFiles: [{ name: 'media/padding.bin', data: randomBytes(bytes), method: 'store' }],
  });
}

export async function createSession(url: string): Promise<string> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    url,
    'mutation { createSession { id } }',
  );
  return createSession.id;
}

/**
 * One multipart request with node:http. `chunked` leaves Content-Length out (Transfer-Encoding: chunked),
 * the way a streaming client sends a body whose size it does not know.
 */
export function sendMultipart(
  url: string,
  sessionId: string,
  files: Array<{ name: string; data: Buffer }>,
  options: { chunked: boolean },
): Promise<UploadAnswer> {
  const boundary = `----storage-kit-${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    ...files.flatMap((file) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${file.name}"\r\n` +
          'Content-Type: application/zip\r\n\r\n',
      ),
      file.data,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const headers: Record<string, string | number> = {
    'content-type': `multipart/form-data; boundary=${boundary}`,
  };
  if (!options.chunked) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(`/api/sessions/${sessionId}/packages`, url),
      { method: 'POST', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text for the assertion message
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    request.on('error', reject);
    // Several writes: with chunked encoding each becomes a chunk, as a streaming client sends them.
    for (let offset = 0; offset < body.length; offset += 64 * KIB) {
      request.write(body.subarray(offset, offset + 64 * KIB));
    }
    request.end();
  });
}

/** Every file under the session's upload folder (none when the folder was never made). */
export function uploadedFiles(dataDir: string, sessionId: string): string[] {
  const dir = join(dataDir, 'uploads', sessionId);
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
}

export function writeConfig(path: string, config: Record<string, unknown>): string {
  writeFileSync(path, JSON.stringify(config));
  return path;
}

export async function sessionPackages(url: string, sessionId: string): Promise<PackageEntry[] | null> {
  const data = await graphqlOk<{ session: { packages: PackageEntry[] } | null }>(
    url,
    'query ($id: ID!) { session(id: $id) { packages { id filename position sizeBytes error } } }',
    { id: sessionId },
  );
  return data.session?.packages ?? null;
}
