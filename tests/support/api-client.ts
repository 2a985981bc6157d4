import { openAsBlob } from 'node:fs';
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
