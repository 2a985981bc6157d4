import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
// config/default.json is the one source of defaults; bundling it lets the built server start from any folder.
// eslint-disable-next-line @nx/enforce-module-boundaries
import defaults from '../../../../config/default.json';

/** Connection strings come from the environment only, never from a file: they may carry passwords. */
export interface ConnectionSettings {
  /** REDIS_URL: events, jobs and rate-limit counters shared by several instances; null for one process. */
  redisUrl: string | null;
}

export type AppConfig = typeof defaults & ConnectionSettings;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/**
 * Settings come from config/default.json, then the file named by CONFIG_FILE (merged over it),
 * then the environment variables of the public contract.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const fromFile = env['CONFIG_FILE'] ? readConfigFile(env['CONFIG_FILE']) : {};
  const config: AppConfig = { ...mergeDeep(defaults, fromFile), redisUrl: null };
  if (env['PORT']) config.server.port = parsePort(env['PORT']);
  if (env['HOST']) config.server.host = env['HOST'];
  if (env['DATA_DIR']) config.server.dataDir = env['DATA_DIR'];
  if (env['OPENAI_API_KEY'] !== undefined) config.openai.apiKey = env['OPENAI_API_KEY'];
  if (env['OPENAI_BASE_URL'] !== undefined) config.openai.baseURL = env['OPENAI_BASE_URL'];
  if (env['OPENAI_MODEL']) config.openai.model = env['OPENAI_MODEL'];
  if (env['DATABASE_URL'] !== undefined) config.server.databaseUrl = env['DATABASE_URL'];
  config.server.databaseUrl = checkDatabaseUrl(config.server.databaseUrl);
  if (env['PREVIEW_ORIGIN'] !== undefined) config.preview.origin = env['PREVIEW_ORIGIN'];
  if (env['PREVIEW_SECRET'] !== undefined) config.preview.secret = env['PREVIEW_SECRET'];
  config.preview.origin = previewOrigin(config.preview.origin);
  config.server.dataDir = resolve(config.server.dataDir);
  config.redisUrl = env['REDIS_URL'] || null;
  if (config.redisUrl && !config.server.databaseUrl) {
    throw new Error(
      'REDIS_URL needs DATABASE_URL: several instances must share one PostgreSQL database, and the embedded SQLite file cannot be shared. Set DATABASE_URL=postgres://…, or unset REDIS_URL for one process.',
    );
  }
  if (!Number.isInteger(config.jobs.stalledAfterMs) || config.jobs.stalledAfterMs < 1000) {
    throw new Error(
      `jobs.stalledAfterMs must be an integer of at least 1000, got ${config.jobs.stalledAfterMs}`,
    );
  }
  return config;
}

function readConfigFile(path: string): DeepPartial<AppConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`CONFIG_FILE ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as DeepPartial<AppConfig>;
  } catch (error) {
    throw new Error(`CONFIG_FILE ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Empty selects the embedded SQLite file; anything else must name a PostgreSQL database. */
function checkDatabaseUrl(value: string): string {
  const url = value.trim();
  if (url === '' || /^postgres(ql)?:\/\/./.test(url)) return url;
  throw new Error(
    'DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database), ' +
      'or unset for the embedded SQLite database in DATA_DIR',
  );
}

/** preview.origin in URL's normal form (`https://content.example.com`), or '' when unset. */
function previewOrigin(value: string): string {
  if (!value) return '';
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname.length > 1 ||
    url.search
  ) {
    throw new Error(`preview.origin: "${value}" is not an origin like https://content.example.com`);
  }
  return url.origin;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${value}"`);
  }
  return port;
}

function mergeDeep<T>(base: T, override: DeepPartial<T>): T {
  const result = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(override as Record<string, unknown>)) {
    const current = result[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof current === 'object') {
      result[key] = mergeDeep(current, value as DeepPartial<typeof current>);
    } else if (value !== undefined) {
      result[key] = value;
    }
  }
  return result as T;
}
