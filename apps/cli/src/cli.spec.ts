import { runCli } from './cli';

function io() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    io: {
      stdout: { write: (t: string) => stdout.push(t) },
      stderr: { write: (t: string) => stderr.push(t) },
    },
  };
}

describe('runCli', () => {
  it.each([
    [[] as string[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['merge', 'a.zip'], 'merge needs the output file'],
    [['inspect'], 'inspect takes exactly one package'],
  ])('exits 2 with the reason and the usage on stderr for %j', async (argv, reason) => {
    const run = io();
    expect(await runCli(argv, run.io)).toBe(2);
    expect(run.stderr.join('')).toContain(reason);
    expect(run.stderr.join('')).toContain('Usage:');
    expect(run.stdout).toEqual([]);
  });

  it.each([[['--help']], [['help']], [['merge', '--help']], [['inspect', '-h']]])(
    'prints the usage on stdout and exits 0 for %j',
    async (argv) => {
      const run = io();
      expect(await runCli(argv, run.io)).toBe(0);
      expect(run.stdout.join('')).toContain('scorm-merge merge -o OUT.zip');
    },
  );

  it('refuses to write the course over one of its packages', async () => {
    const run = io();
    expect(await runCli(['merge', '-o', 'a.zip', './a.zip'], run.io)).toBe(2);
    expect(run.stderr.join('')).toContain('is also one of the packages');
  });
});
