import { initialDescription } from '@scorm-merge/scorm';
import type { InspectArguments } from '../arguments';
import type { CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';
import { readPackage } from './read-package';

/** Prints the facts the server records at upload, as JSON on stdout. */
export async function runInspect(args: InspectArguments, io: CliIo): Promise<number> {
  const read = await readPackage(args.input);
  if (!read.ok) {
    io.stderr.write(`scorm-merge: ${args.input}: ${read.reason}\n`);
    return EXIT.INVALID;
  }
  const description = initialDescription(read.facts);
  const report = {
    filename: read.filename,
    ...read.facts,
    description: description.text,
    descriptionSource: description.source,
  };
  io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return EXIT.OK;
}
