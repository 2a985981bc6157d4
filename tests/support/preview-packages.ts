import { buildZip, type ZipEntrySpec } from '@scorm-merge/scorm/testing';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { graphqlOk, uploadPackages } from './api-client';

export interface PreviewItem {
  id: string;
  title: string;
  depth: number;
  parentId: string | null;
  launchUrl: string | null;
  scormType: string | null;
  prerequisites: string | null;
  isVisible: boolean;
}
export interface CoursePreview {
  title: string;
  scormVersion: string;
  family: string;
  contentOrigin: string;
  items: PreviewItem[];
  sequencing: string | null;
}

export const PREVIEW_FIELDS =
  'title scormVersion family contentOrigin sequencing items { id title depth parentId launchUrl scormType prerequisites isVisible }';

/** A 2004 manifest with the given items (launch hrefs as written) and one resource per item. */
export function manifest2004(
  items: Array<{ id: string; href: string; parameters?: string; children?: string }>,
  title = 'Preview course',
): string {
  const itemXml = items
    .map(
      (item) =>
        `<item identifier="${item.id}" identifierref="res_${item.id}"${item.parameters ? ` parameters="${item.parameters}"` : ''}><title>${item.id}</title></item>`,
    )
    .join('');
  const resources = items
    .map(
      (item) =>
        `<resource identifier="res_${item.id}" type="webcontent" adlcp:scormType="sco" href="${item.href}"><file href="${item.href.split('?')[0]}"/></resource>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="preview_${randomBytes(4).toString('hex')}" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>${title}</title>${itemXml}</organization></organizations>
  <resources>${resources}</resources>
</manifest>`;
}

/** A SCORM 2004 package zip: the manifest plus the files. */
export function previewPackage(manifest: string, files: ZipEntrySpec[]): Buffer {
  return buildZip([{ name: 'imsmanifest.xml', data: manifest }, ...files]);
}

export async function createSession(url: string): Promise<string> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    url,
    'mutation { createSession { id } }',
  );
  return createSession.id;
}

/** Uploads the zips into the session and returns the created packages' ids, in order. */
export async function uploadZips(
  url: string,
  sessionId: string,
  zips: Array<{ name: string; data: Buffer }>,
): Promise<Array<{ id: string; error: string | null }>> {
  const upload = await uploadPackages(url, sessionId, zips);
  if (upload.status !== 201)
    throw new Error(`upload answered ${upload.status}: ${JSON.stringify(upload.body)}`);
  return upload.body as Array<{ id: string; error: string | null }>;
}

export async function packagePreview(
  url: string,
  sessionId: string,
  packageId: string,
): Promise<CoursePreview> {
  const data = await graphqlOk<{ packagePreview: CoursePreview }>(
    url,
    `query ($s: ID!, $p: ID!) { packagePreview(sessionId: $s, packageId: $p) { ${PREVIEW_FIELDS} } }`,
    { s: sessionId, p: packageId },
  );
  return data.packagePreview;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request sent with its path exactly as given (fetch would resolve "../" before sending it). */
export function rawRequest(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}
