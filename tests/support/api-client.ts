import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { basename } from 'node:path';

export interface GraphQLResult<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function graphql<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResult<T>;
}

/** Like graphql(), but fails on any GraphQL error. */
export async function graphqlOk<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await graphql<T>(baseUrl, query, variables);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

export interface UploadFile {
  name: string;
  /** Bytes in memory, or a path streamed from disk. */
  data?: Buffer;
  path?: string;
}

export async function uploadPackages(
  baseUrl: string,
  sessionId: string,
  files: UploadFile[],
): Promise<{ status: number; body: unknown }> {
  const form = new FormData();
  for (const file of files) {
    const blob = file.path
      ? await openAsBlob(file.path)
      : new Blob([new Uint8Array(file.data ?? Buffer.alloc(0))]);
    form.append('files', blob, file.name || (file.path ? basename(file.path) : 'file.zip'));
  }
  const response = await fetch(`${baseUrl}/api/sessions/${encodeURIComponent(sessionId)}/packages`, {
    method: 'POST',
    body: form,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, body };
}

export const SESSION_FIELDS = `
  id
  createdAt
  packages { id filename title position sizeBytes scormVersion scoCount description descriptionSource error warnings }
`;

const UPLOAD_CHUNK_BYTES = 1024 * 1024;

function writeChunk(request: ClientRequest, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    request.write(chunk, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * Streams files from disk as one multipart request with node:http, the way a browser sends them;
 * much lighter on the client than fetch + FormData, so benchmarks measure the server.
 */
export async function uploadFilesStreamed(
  baseUrl: string,
  sessionId: string,
  paths: string[],
): Promise<{ status: number; body: unknown }> {
  const boundary = `----scorm-merge-${randomBytes(12).toString('hex')}`;
  const heads = paths.map((path) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${basename(path).replace(/"/g, '')}"\r\n` +
        'Content-Type: application/zip\r\n\r\n',
    ),
  );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const sizes = await Promise.all(paths.map(async (path) => (await stat(path)).size));
  const length = heads.reduce((sum, head, i) => sum + head.length + sizes[i] + 2, tail.length);
  const url = new URL(`/api/sessions/${encodeURIComponent(sessionId)}/packages`, baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text for the assertion message
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    request.on('error', reject);
    void (async () => {
      // One reused buffer: fresh 1 MiB buffers per read make V8 run a full GC every few reads.
      const buffer = Buffer.allocUnsafe(UPLOAD_CHUNK_BYTES);
      for (const [i, path] of paths.entries()) {
        await writeChunk(request, heads[i]);
        const file = await open(path, 'r');
        try {
          for (;;) {
            const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0) break;
            // The write callback runs once the kernel has the bytes, so the buffer can be refilled.
            await writeChunk(request, buffer.subarray(0, bytesRead));
          }
        } finally {
          await file.close();
        }
        await writeChunk(request, Buffer.from('\r\n'));
      }
      request.end(tail);
    })().catch(reject);
  });
}
