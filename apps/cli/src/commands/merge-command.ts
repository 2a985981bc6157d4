import {
  courseTitle,
  initialDescription,
  MergeError,
  mergePackages,
  type MergeInput,
} from '@scorm-merge/scorm';
import { resolve } from 'node:path';
import type { MergeArguments } from '../arguments';
import type { CliIo } from '../cli-io';
import { EXIT } from '../exit-codes';
import { createProgressDisplay } from '../output/progress-display';
import { UsageError } from '../usage';
import { readPackage } from './read-package';

/**
 * Inspects every package first, as the upload does, and refuses the whole merge when one is invalid:
 * in a build pipeline a course silently missing a module is worse than a failed step.
 */
export async function runMerge(args: MergeArguments, io: CliIo): Promise<number> {
  const outputPath = resolve(args.output);
  if (args.inputs.some((input) => resolve(input) === outputPath)) {
    throw new UsageError(`the output ${args.output} is also one of the packages to merge.`);
  }
  const packages = [];
  for (const input of args.inputs) packages.push(await readPackage(input));

  const invalid = packages.filter((p) => !p.ok);
  for (const p of invalid) if (!p.ok) io.stderr.write(`scorm-merge: ${p.path}: ${p.reason}\n`);
  if (invalid.length > 0) {
    io.stderr.write(
      `scorm-merge: no course written: ${invalid.length} of ${packages.length} packages are not valid SCORM packages.\n`,
    );
    return EXIT.INVALID;
  }

  const inputs: MergeInput[] = [];
  for (const p of packages) {
    if (!p.ok) continue;
    for (const warning of p.facts.warnings) io.stderr.write(`scorm-merge: ${p.path}: warning: ${warning}\n`);
    inputs.push({
      zipPath: p.path,
      title: p.facts.title,
      description: initialDescription(p.facts).text,
      filename: p.filename,
    });
  }

  const progress = createProgressDisplay(io.stderr);
  try {
    const result = await mergePackages(
      inputs,
      outputPath,
      {
        title: courseTitle(
          args.title,
          inputs.map((input) => input.title),
        ),
        includeMenu: args.includeMenu,
      },
      { onProgress: (event) => progress.update(event), signal: io.signal },
    );
    progress.finish();
    for (const warning of result.warnings) io.stderr.write(`scorm-merge: warning: ${warning}\n`);
    const modules = result.modules.length;
    io.stdout.write(
      `${args.output}: SCORM ${result.scormVersion}, ${modules} module${modules === 1 ? '' : 's'}, ` +
        `${result.scoCount} SCOs${result.hasMenu ? ' (course menu included)' : ''}, ${formatBytes(result.sizeBytes)}\n`,
    );
    return EXIT.OK;
  } catch (error) {
    progress.finish();
    if (!(error instanceof MergeError)) throw error;
    io.stderr.write(`scorm-merge: ${error.message}\n`);
    return error.code === 'CANCELLED' ? EXIT.INTERRUPTED : EXIT.INVALID;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
