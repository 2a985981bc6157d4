/**
 * A SCORM 1.2 `adlcp:prerequisites` expression (type `aicc_script`), read as far as SCORM 2004
 * sequencing can express it faithfully:
 * - `all`: one identifier, or identifiers joined by `&` (every one must be done);
 * - `any`: identifiers joined by `|` (one of them done is enough);
 * - `none`: an empty expression, which sets no prerequisite;
 * - `unsupported`: anything else (`~`, `=`, `<>`, sets like `2*{a,b}`, parentheses, `&` mixed
 *   with `|`), with the reason in words.
 */
export type PrerequisiteExpression =
  { kind: 'none' } | { kind: 'all' | 'any'; identifiers: string[] } | { kind: 'unsupported'; reason: string };

/** The aicc_script characters that are not part of an identifier. */
const OPERATORS: ReadonlyArray<[RegExp, string]> = [
  [/~/, 'a negation (~)'],
  [/<>/, 'a status comparison (<>)'],
  [/=/, 'a status comparison (=)'],
  [/[*{},]/, 'a set ({...})'],
  [/[()]/, 'parentheses'],
  [/"/, 'a quoted status'],
];

export function parsePrerequisiteExpression(text: string): PrerequisiteExpression {
  const expression = text.trim();
  if (expression === '') return { kind: 'none' };
  for (const [pattern, reason] of OPERATORS) {
    if (pattern.test(expression)) return { kind: 'unsupported', reason: `it uses ${reason}` };
  }
  const hasAnd = expression.includes('&');
  const hasOr = expression.includes('|');
  if (hasAnd && hasOr) return { kind: 'unsupported', reason: 'it mixes & and |' };
  const identifiers = expression.split(hasOr ? '|' : '&').map((part) => part.trim());
  if (identifiers.some((identifier) => identifier === '')) {
    return { kind: 'unsupported', reason: 'an operator lacks an identifier' };
  }
  if (identifiers.some((identifier) => /\s/.test(identifier))) {
    return { kind: 'unsupported', reason: 'identifiers are not separated by & or |' };
  }
  return { kind: hasOr ? 'any' : 'all', identifiers: [...new Set(identifiers)] };
}
