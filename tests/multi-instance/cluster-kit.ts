import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descriptionConfig, type DescriptionSettings } from '../api-e2e/description-test-kit';
import { startApiServer, type ApiServer } from '../support/api-server';
import type { OpenAiTestServer } from '../support/openai-test-server';
import { createTestDatabase, TEST_REDIS_URL } from './multi-instance-kit';
import { freshKeyPrefix } from './redis-kit';

export interface ClusterOptions {
  /** Names the temporary folder and the Redis key prefix. */
  name: string;
  instances: number;
  openai: OpenAiTestServer | null;
  redisUrl?: string;
  descriptions?: DescriptionSettings;
  stalledAfterMs?: number;
  /** Session limits (config `upload.*`); the defaults when unset. */
  upload?: { maxPackagesPerSession?: number; maxSessionBytes?: number };
}

/**
 * N server processes on a fresh PostgreSQL database, one Redis (under a fresh key prefix) and one shared
 * DATA_DIR, started one after the other, with more to start later (in place of a killed one, say).
 */
export interface Cluster {
  instances: ApiServer[];
  dataDir: string;
  keyPrefix: string;
  /** Starts one more instance on the same services (e.g. in place of a killed one). */
  startInstance(): Promise<ApiServer>;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const work = mkdtempSync(join(tmpdir(), `scorm-multi-${options.name}-`));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir, { recursive: true });
  const keyPrefix = freshKeyPrefix(options.name);
  const configFile = join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...descriptionConfig(options.descriptions),
      redis: { keyPrefix },
      jobs: { stalledAfterMs: options.stalledAfterMs ?? 30_000 },
      ...(options.upload ? { upload: options.upload } : {}),
    }),
  );
  const database = await createTestDatabase();
  const env: Record<string, string> = {
    CONFIG_FILE: configFile,
    DATABASE_URL: database.url,
    REDIS_URL: options.redisUrl ?? TEST_REDIS_URL,
  };
  if (options.openai) {
    env['OPENAI_API_KEY'] = 'test-key';
    env['OPENAI_BASE_URL'] = options.openai.url;
  }
  const instances: ApiServer[] = [];
  const startInstance = async (): Promise<ApiServer> => {
    const server = await startApiServer({ dataDir, env });
    instances.push(server);
    return server;
  };
  // One after the other: a first boot migrates, and two cold starts at once overload a small machine.
  for (let i = 0; i < options.instances; i++) await startInstance();
  return {
    instances,
    dataDir,
    keyPrefix,
    startInstance,
    async stop() {
      await Promise.all(instances.map((server) => server.stop()));
      await database.drop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
