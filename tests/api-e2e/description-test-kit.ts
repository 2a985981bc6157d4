import { buildScorm12Package } from '@scorm-merge/scorm/testing';
import { cleanDescription } from '@scorm-merge/descriptions';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { graphqlOk, uploadPackages } from '../support/api-client';
import { startApiServer, type ApiServer } from '../support/api-server';
import { defaultReply, type OpenAiTestServer } from '../support/openai-test-server';

/** Shared by the description suites and the benchmark: servers, sessions, operations. */

export interface DescriptionSettings {
  concurrency?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  maxRetryAfterMs?: number;
  timeout?: number;
}

/** The `openai` and `descriptions` sections of a test server's config file: short timeouts and backoffs. */
export function descriptionConfig(settings: DescriptionSettings = {}): Record<string, unknown> {
  return {
    openai: { model: 'gpt-test', timeout: settings.timeout ?? 5000, maxTokens: 150, temperature: 0.7 },
    descriptions: {
      concurrency: settings.concurrency ?? 2,
      maxRetries: settings.maxRetries ?? 3,
      backoffBaseMs: settings.backoffBaseMs ?? 50,
      backoffMaxMs: settings.backoffMaxMs ?? 400,
      maxRetryAfterMs: settings.maxRetryAfterMs ?? 5000,
    },
  };
}

/**
 * Starts the built server with a config file pointing the real `openai` SDK at the test server
 * (or with no key at all when `openai` is null).
 */
export function startDescriptionServer(
  dataDir: string,
  openai: OpenAiTestServer | null,
  settings: DescriptionSettings = {},
  extraEnv: Record<string, string> = {},
): Promise<ApiServer> {
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(dataDir, '..', `${dataDir.split('/').pop()}-config.json`);
  writeFileSync(configFile, JSON.stringify(descriptionConfig(settings)));
  const env: Record<string, string> = { CONFIG_FILE: configFile, ...extraEnv };
  if (openai) {
    env['OPENAI_API_KEY'] = 'test-key';
    env['OPENAI_BASE_URL'] = openai.url;
  }
  return startApiServer({ dataDir, env });
}

export interface UploadedPackage {
  id: string;
  title: string;
  filename: string;
  description: string;
  descriptionSource: string;
  error: string | null;
}

/** Titles unique to a test keep zips (and so cache keys) distinct and requests countable per title. */
export async function createSessionWithPackages(
  baseUrl: string,
  titles: string[],
  extra: Array<{ name: string; data: Buffer }> = [],
): Promise<{ sessionId: string; packages: UploadedPackage[] }> {
  const { createSession } = await graphqlOk<{ createSession: { id: string } }>(
    baseUrl,
    'mutation { createSession { id } }',
  );
  const files = [
    ...titles.map((title) => ({ name: `${slug(title)}.zip`, data: buildScorm12Package({ title }) })),
    ...extra,
  ];
  const packages: UploadedPackage[] = [];
  // Uploads in batches keep each request small.
  for (let i = 0; i < files.length; i += 20) {
    const { status, body } = await uploadPackages(baseUrl, createSession.id, files.slice(i, i + 20));
    if (status !== 201) throw new Error(`upload failed: ${status} ${JSON.stringify(body)}`);
    packages.push(...(body as UploadedPackage[]));
  }
  return { sessionId: createSession.id, packages };
}

export function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** What the server should store for a package the test server answered. */
export function expectedAiDescription(title: string): string {
  return cleanDescription(defaultReply({ title, model: 'gpt-test', messages: [], stream: true, body: {} }));
}

export const TASK_FIELDS =
  'id status total completed failed progress message regenerate createdAt startedAt finishedAt';

export const START = `mutation ($id: ID!, $ids: [ID!], $regenerate: Boolean) {
  startDescriptions(sessionId: $id, packageIds: $ids, regenerate: $regenerate) { ${TASK_FIELDS} }
}`;
export const CANCEL = `mutation ($id: ID!) { cancelDescriptions(sessionId: $id) { ${TASK_FIELDS} } }`;
export const TASK = `query ($id: ID!) { descriptionTask(sessionId: $id) { ${TASK_FIELDS} } }`;
export const SESSION_WITH_TASK = `query ($id: ID!) {
  session(id: $id) {
    id
    descriptionTask { ${TASK_FIELDS} }
    packages { id title description descriptionSource }
  }
}`;
export const PROGRESS_SUBSCRIPTION = `subscription ($id: ID!) {
  descriptionProgress(sessionId: $id) { taskId type status message progress current total completed failed packageId }
}`;
export const UPDATED_SUBSCRIPTION = `subscription ($id: ID!) {
  descriptionUpdated(sessionId: $id) { taskId packageId description source progress fallback }
}`;
export const STREAMING_SUBSCRIPTION = `subscription ($id: ID!) {
  descriptionStreaming(sessionId: $id) { taskId packageId text attempt }
}`;

export interface TaskView {
  id: string;
  status: string;
  total: number;
  completed: number;
  failed: number;
  progress: number;
  message: string | null;
  regenerate: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
export interface ProgressEvent {
  taskId: string;
  type: string;
  status: string;
  message: string;
  progress: number;
  current: number | null;
  total: number;
  completed: number;
  failed: number;
  packageId: string | null;
}
export interface UpdateEvent {
  taskId: string;
  packageId: string;
  description: string;
  source: string;
  progress: number;
  fallback: boolean;
}
export interface DeltaEvent {
  taskId: string;
  packageId: string;
  text: string;
  attempt: number;
}
export interface SessionWithTask {
  id: string;
  descriptionTask: TaskView | null;
  packages: Array<{ id: string; title: string; description: string; descriptionSource: string }>;
}

export async function startDescriptions(
  baseUrl: string,
  sessionId: string,
  options: { packageIds?: string[]; regenerate?: boolean } = {},
): Promise<TaskView> {
  const data = await graphqlOk<{ startDescriptions: TaskView }>(baseUrl, START, {
    id: sessionId,
    ids: options.packageIds,
    regenerate: options.regenerate,
  });
  return data.startDescriptions;
}

export async function sessionWithTask(baseUrl: string, sessionId: string): Promise<SessionWithTask> {
  return (await graphqlOk<{ session: SessionWithTask }>(baseUrl, SESSION_WITH_TASK, { id: sessionId }))
    .session;
}

/** Polls until the session's task has ended; answers come from the database. */
export async function waitForTaskEnd(
  baseUrl: string,
  sessionId: string,
  timeoutMs = 20_000,
): Promise<TaskView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = (await graphqlOk<{ descriptionTask: TaskView | null }>(baseUrl, TASK, { id: sessionId }))
      .descriptionTask;
    if (task && !['QUEUED', 'RUNNING'].includes(task.status)) return task;
    if (Date.now() > deadline)
      throw new Error(`task did not end within ${timeoutMs} ms: ${JSON.stringify(task)}`);
    await delay(100);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
