import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceRoot } from './workspace';

export interface ApiServer {
  url: string;
  port: number;
  process: ChildProcess;
  logs: string[];
  /** Ends the process with the given signal and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  dataDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Another built copy of the server (default: the workspace's dist/apps/api/main.js), run from its folder. */
  main?: string;
  /** Node flags added to `npm start`'s. */
  nodeFlags?: string[];
}

/** Starts the built server (`node dist/apps/api/main.js`, with `npm start`'s Node flags) as a real process on a free port. */
export async function startApiServer(options: StartOptions): Promise<ApiServer> {
  const root = workspaceRoot();
  const main = options.main ?? join(root, 'dist', 'apps', 'api', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the API first (nx run api:build)`);
  const child = spawn(process.execPath, [...startNodeFlags(root), ...(options.nodeFlags ?? []), main], {
    cwd: options.main ? dirname(main) : root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      PORT: '0',
      DATA_DIR: options.dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in time:\n${logs.join('\n')}`)),
      options.timeoutMs ?? 30_000,
    );
    const onLine = (line: string) => {
      logs.push(line);
      const match = /"url":"http:\/\/localhost:(\d+)\//.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${logs.join('\n')}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    process: child,
    logs,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The Node flags of package.json's `start` script: tests run the server the way users do. */
function startNodeFlags(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return scripts['start'].split(/\s+/).filter((arg) => arg.startsWith('--'));
}
