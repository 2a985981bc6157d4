import { parsePrerequisiteExpression } from './prerequisite-expression';

describe('parsePrerequisiteExpression', () => {
  it('reads an empty expression as no prerequisite', () => {
    expect(parsePrerequisiteExpression('')).toEqual({ kind: 'none' });
    expect(parsePrerequisiteExpression('  \n ')).toEqual({ kind: 'none' });
  });

  it('reads one identifier as a prerequisite that must be done', () => {
    expect(parsePrerequisiteExpression(' intro ')).toEqual({ kind: 'all', identifiers: ['intro'] });
  });

  it('reads identifiers joined by & as all of them, with or without spaces', () => {
    expect(parsePrerequisiteExpression('intro & lesson_2&quiz.1')).toEqual({
      kind: 'all',
      identifiers: ['intro', 'lesson_2', 'quiz.1'],
    });
  });

  it('reads identifiers joined by | as any one of them', () => {
    expect(parsePrerequisiteExpression('a|b | c')).toEqual({ kind: 'any', identifiers: ['a', 'b', 'c'] });
  });

  it('names each identifier once when the expression repeats it', () => {
    expect(parsePrerequisiteExpression('a & b & a')).toEqual({ kind: 'all', identifiers: ['a', 'b'] });
  });

  it.each([
    ['~a', /negation/],
    ['a & ~b', /negation/],
    ['a = "passed"', /comparison \(=\)/],
    ['a <> "failed"', /comparison \(<>\)/],
    ['2*{a,b,c}', /set/],
    ['(a | b) & c', /parentheses/],
    ['a & b | c', /mixes & and \|/],
    ['a &', /lacks an identifier/],
    ['| a', /lacks an identifier/],
    ['a b', /not separated/],
  ])('leaves %j unconverted and says why', (text, reason) => {
    const parsed = parsePrerequisiteExpression(text);
    expect(parsed.kind).toBe('unsupported');
    expect(parsed.kind === 'unsupported' && parsed.reason).toMatch(reason);
  });
});
