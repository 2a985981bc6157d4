import { parseArgs } from 'node:util';
import { UsageError } from './usage';

export interface MergeArguments {
  output: string;
  inputs: string[];
  title?: string;
  includeMenu: boolean;
}

export interface InspectArguments {
  input: string;
}

/** `merge -o OUT.zip A.zip B.zip … [--title T] [--no-menu]`; null when help was asked for. */
export function parseMergeArguments(args: string[]): MergeArguments | null {
  const { values, positionals } = parse(args, {
    output: { type: 'string', short: 'o' },
    title: { type: 'string', short: 't' },
    'no-menu': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values['help']) return null;
  const output = values['output'];
  if (typeof output !== 'string' || output.trim() === '') {
    throw new UsageError('merge needs the output file: -o OUT.zip');
  }
  if (positionals.length === 0) throw new UsageError('merge needs at least one package to merge.');
  const title = values['title'];
  return {
    output,
    inputs: positionals,
    title: typeof title === 'string' ? title : undefined,
    includeMenu: values['no-menu'] !== true,
  };
}

/** `inspect A.zip`; null when help was asked for. */
export function parseInspectArguments(args: string[]): InspectArguments | null {
  const { values, positionals } = parse(args, { help: { type: 'boolean', short: 'h' } });
  if (values['help']) return null;
  if (positionals.length !== 1) throw new UsageError('inspect takes exactly one package: inspect A.zip');
  return { input: positionals[0] };
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse(args: string[], options: OptionSpec) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs names the offending option in plain words (ERR_PARSE_ARGS_UNKNOWN_OPTION and friends).
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}
