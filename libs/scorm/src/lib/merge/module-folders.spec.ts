import { identifierPrefix, moduleFolders, sanitizeEntryPath, slugify } from './module-folders';

describe('module folders', () => {
  it('names folders from position and an ASCII slug of the title', () => {
    const titles = ['Golf Explained', 'Café & Crème', '', '日本語'];
    expect(moduleFolders(titles.map((title) => ({ title })))).toEqual([
      '01-golf-explained/',
      '02-cafe-creme/',
      '03-module/',
      '04-module/',
    ]);
    expect(moduleFolders(Array.from({ length: 120 }, () => ({ title: 'x' })))[119]).toBe('120-x/');
  });

  it("names a module whose title has no Latin letters after its file's stem", () => {
    expect(
      moduleFolders([
        { title: '高尔夫解说', filename: 'golf-cp-singlesco-2004-3rd.zip' },
        { title: '2024', filename: 'uploads/安全 Safety.ZIP' },
        { title: 'Golf Explained', filename: 'other.zip' },
        { title: '日本語', filename: '日本語.zip' },
        { title: '日本語' },
      ]),
    ).toEqual([
      '01-golf-cp-singlesco-2004-3rd/',
      '02-safety/',
      '03-golf-explained/',
      '04-module/',
      '05-module/',
    ]);
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
