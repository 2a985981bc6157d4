import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '../support/workspace';

const REQUESTS = 5000;
const MAX_RETAINED_BYTES = 2 * 1024 * 1024;

/**
 * Each AI request must leave nothing behind once it has settled. Jest's sandbox has no reliable
 * `gc()`, so the requests run in a child `node --expose-gc` (openai-provider-leak-run.ts), which
 * prints the heap retained after a full GC.
 */
describe('OpenAiDescriptionProvider memory', () => {
  it(`retains less than 2 MB of heap after ${REQUESTS} requests`, async () => {
    const root = workspaceRoot();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--expose-gc',
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'openai-provider-leak-run.ts'),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          TS_NODE_PROJECT: join(root, 'tests', 'tsconfig.spec.json'),
          LEAK_REQUESTS: String(REQUESTS),
        },
        maxBuffer: 1024 * 1024,
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
      requests: number;
      succeeded: number;
      retainedBytes: number;
    };
    console.log(`${REQUESTS} requests through the provider: ${JSON.stringify(result)}`);
    expect(result.succeeded).toBe(REQUESTS);
    expect(result.retainedBytes).toBeLessThan(MAX_RETAINED_BYTES);
  }, 120_000);
});
