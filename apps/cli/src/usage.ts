export const USAGE = `Usage:
  scorm-merge merge -o OUT.zip A.zip B.zip … [--title T] [--no-menu]
      Merges SCORM packages, in the order given, into one course: one module per package,
      every SCO its own tracked item, and a course menu unless --no-menu.
  scorm-merge inspect A.zip
      Prints a package's facts (title, SCORM version, SCOs, outline, warnings…) as JSON.

Run as: node dist/apps/cli/main.js <command> …

Exit codes: 0 done; 1 a package is invalid or the merge failed (the reason is printed);
2 usage error; 130 interrupted.
`;

/** Wrong arguments: the message and the usage go to stderr, and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
