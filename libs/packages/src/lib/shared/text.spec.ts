import { truncateCodePoints } from './text';

describe('truncateCodePoints', () => {
  it('never leaves half of a surrogate pair, so the result can always be URI-encoded', () => {
    const title = `${'a'.repeat(149)}😀 course`;
    const cut = truncateCodePoints(title, 150);
    expect(cut).toBe(`${'a'.repeat(149)}😀`);
    expect(() => encodeURIComponent(cut)).not.toThrow();
    expect(() => encodeURIComponent(title.slice(0, 150))).toThrow(URIError);
  });

  it('returns short text unchanged', () => {
    expect(truncateCodePoints('Golf', 10)).toBe('Golf');
  });
});
