import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../support/api-server';

export interface ConfiguredServer {
  api: ApiServer;
  /** Stops the server and removes its data folder. */
  stop(): Promise<void>;
}

/** The built server in its own data folder, with `settings` merged over the defaults through CONFIG_FILE. */
export async function startConfiguredServer(
  name: string,
  settings: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<ConfiguredServer> {
  const dir = mkdtempSync(join(tmpdir(), `security-${name}-`));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(settings));
  const api = await startApiServer({ dataDir: join(dir, 'data'), env: { CONFIG_FILE: configFile, ...env } });
  return {
    api,
    async stop() {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Milliseconds `action` took, with its result. */
export async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await action();
  return { ms: Math.round((performance.now() - started) * 10) / 10, result };
}
