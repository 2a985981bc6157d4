import { identifierPrefix, moduleFolders, sanitizeEntryPath, slugify } from './module-folders';

describe('module folders', () => {
  it('names folders from position and an ASCII slug of the title', () => {
    expect(moduleFolders(['Golf Explained', 'Café & Crème', '', '日本語'])).toEqual([
      '01-golf-explained/',
      '02-cafe-creme/',
      '03-module/',
      '04-module/',
    ]);
    expect(moduleFolders(Array.from({ length: 120 }, () => 'x'))[119]).toBe('120-x/');
  });

  it('bounds slugs at a word boundary', () => {
    const slug = slugify('The quite long title of a module about the rules of golf and more');
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slug).toBe('the-quite-long-title-of-a-module-about');
  });

  it('gives identifier prefixes that are valid XML names', () => {
    expect(identifierPrefix(0, 3)).toBe('p01');
    expect(identifierPrefix(99, 150)).toBe('p100');
  });

  it('keeps entry paths inside the module folder', () => {
    expect(sanitizeEntryPath('a/./b//c.html')).toBe('a/b/c.html');
    expect(sanitizeEntryPath('a\\b.html')).toBe('a/b.html');
    expect(sanitizeEntryPath('/abs/x')).toBe('abs/x');
    for (const bad of ['../x', 'a/../../x', 'C:/x', 'a\u0000b', '', './'])
      expect(sanitizeEntryPath(bad)).toBeNull();
  });
});
