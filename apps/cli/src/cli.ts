import { parseInspectArguments, parseMergeArguments } from './arguments';
import type { CliIo } from './cli-io';
import { runInspect } from './commands/inspect-command';
import { runMerge } from './commands/merge-command';
import { EXIT } from './exit-codes';
import { USAGE, UsageError } from './usage';

/** Runs one command and answers its exit code; it never calls process.exit itself. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'merge': {
        const args = parseMergeArguments(rest);
        return args ? await runMerge(args, io) : help(io);
      }
      case 'inspect': {
        const args = parseInspectArguments(rest);
        return args ? await runInspect(args, io) : help(io);
      }
      case 'help':
      case '--help':
      case '-h':
        return help(io);
      case undefined:
        throw new UsageError('no command given.');
      default:
        throw new UsageError(`unknown command "${command}".`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`scorm-merge: ${error.message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
}

function help(io: CliIo): number {
  io.stdout.write(USAGE);
  return EXIT.OK;
}
