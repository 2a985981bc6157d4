import { parseInspectArguments, parseMergeArguments } from './arguments';
import { UsageError } from './usage';

describe('parseMergeArguments', () => {
  it('takes the output, the packages in order, a title and --no-menu', () => {
    expect(
      parseMergeArguments(['-o', 'out.zip', 'b.zip', 'a.zip', '--title', 'Site safety', '--no-menu']),
    ).toEqual({
      output: 'out.zip',
      inputs: ['b.zip', 'a.zip'],
      title: 'Site safety',
      includeMenu: false,
    });
  });

  it('includes the menu and leaves the title to the merge by default', () => {
    expect(parseMergeArguments(['a.zip', '--output=out.zip'])).toEqual({
      output: 'out.zip',
      inputs: ['a.zip'],
      title: undefined,
      includeMenu: true,
    });
  });

  it('answers null for --help, whatever else is given', () => {
    expect(parseMergeArguments(['--help'])).toBeNull();
    expect(parseMergeArguments(['-h', '-o', 'x.zip'])).toBeNull();
  });

  it.each([
    [[] as string[], 'output file'],
    [['a.zip'], 'output file'],
    [['-o', '', 'a.zip'], 'output file'],
    [['-o', 'out.zip'], 'at least one package'],
    [['-o', 'out.zip', '--bogus', 'a.zip'], "Unknown option '--bogus'"],
    [['-o'], "'-o, --output <value>' argument missing"],
    [['-o', 'out.zip', '--no-menu=yes', 'a.zip'], 'does not take an argument'],
  ])('refuses %j as a usage error', (args, message) => {
    expect(() => parseMergeArguments(args)).toThrow(UsageError);
    expect(() => parseMergeArguments(args)).toThrow(message);
  });
});

describe('parseInspectArguments', () => {
  it('takes exactly one package', () => {
    expect(parseInspectArguments(['a.zip'])).toEqual({ input: 'a.zip' });
    expect(() => parseInspectArguments([])).toThrow(UsageError);
    expect(() => parseInspectArguments(['a.zip', 'b.zip'])).toThrow('exactly one package');
  });
});
