import { bridgeScriptTag, injectBridgeTag } from './bridge-injection';
import { parseByteRange } from './byte-range';
import { entryPathFromUrl } from './content-path';

describe('content paths', () => {
  it('decodes each segment of a package path', () => {
    expect(entryPathFromUrl('shared/launch%20page.html')).toBe('shared/launch page.html');
    expect(entryPathFromUrl('caf%C3%A9/index.html')).toBe('café/index.html');
  });

  it.each([
    '',
    '..',
    '../x',
    'a/../../x',
    '%2e%2e/x',
    'a%2Fb',
    'a%5Cb',
    'a/./b',
    'a//b',
    'a/',
    '%00',
    '%E0%A4%A',
  ])('refuses %j', (path) => expect(entryPathFromUrl(path)).toBeNull());
});

describe('byte ranges', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=90-1000', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=5-2', 100, undefined],
    ['bytes=0-1,5-6', 100, undefined],
    ['items=0-1', 100, undefined],
    [undefined, 100, undefined],
  ])('%s of %d bytes is %j', (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});

describe('the bridge tag', () => {
  const tag = bridgeScriptTag('http://localhost:3000', '2004');
  const inject = (html: string) => injectBridgeTag(Buffer.from(html, 'latin1'), tag).toString('latin1');

  it('goes first in <head>, else after <html>, else after the doctype, else first', () => {
    expect(inject('<!DOCTYPE html><html><head lang="x"><title>t</title></head></html>')).toBe(
      `<!DOCTYPE html><html><head lang="x">${tag}<title>t</title></head></html>`,
    );
    expect(inject('<!doctype html><html lang="en"><body>b</body></html>')).toBe(
      `<!doctype html><html lang="en">${tag}<body>b</body></html>`,
    );
    expect(inject('<!DOCTYPE html><p>b</p>')).toBe(`<!DOCTYPE html>${tag}<p>b</p>`);
    expect(inject('<p>b</p>')).toBe(`${tag}<p>b</p>`);
  });

  it('is not fooled by a comment or a <header>, and keeps a UTF-8 BOM first', () => {
    expect(inject('<!-- <head> --><html><header>h</header><head></head></html>')).toBe(
      `<!-- <head> --><html><header>h</header><head>${tag}</head></html>`,
    );
    expect(inject('\xef\xbb\xbf<p>b</p>')).toBe(`\xef\xbb\xbf${tag}<p>b</p>`);
  });

  it('leaves every other byte alone, whatever the encoding, and UTF-16 pages untouched', () => {
    const latin1 = Buffer.from(
      '<html><head><meta charset="iso-8859-1"></head><body>caf\xe9</body></html>',
      'latin1',
    );
    const injected = injectBridgeTag(latin1, tag);
    expect(Buffer.concat([injected.subarray(0, 12), injected.subarray(12 + tag.length)]).equals(latin1)).toBe(
      true,
    );
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<html></html>', 'utf16le')]);
    expect(injectBridgeTag(utf16, tag).equals(utf16)).toBe(true);
  });

  it('escapes what it writes into the attribute', () => {
    expect(bridgeScriptTag('http://a"><script>', '1.2')).toContain(
      'data-app-origin="http://a&quot;&gt;&lt;script&gt;"',
    );
  });
});
