import { seededRandom } from '../../testing';
import { resolveHref, stripQueryAndFragment } from './package-paths';

describe('resolveHref', () => {
  it('strips query and fragment', () => {
    expect(stripQueryAndFragment('a/b.html?x=1#top')).toBe('a/b.html');
  });

  it('joins the root folder, xml:base and href, normalising dots', () => {
    expect(resolveHref('wrap/', 'content/one/', './pages/../a.html?q')).toEqual({
      kind: 'entry',
      path: 'wrap/content/one/a.html',
      candidates: ['wrap/content/one/a.html'],
    });
  });

  it('offers the percent-decoded name too', () => {
    expect(resolveHref('', '', 'my%20page.html')).toMatchObject({
      candidates: ['my%20page.html', 'my page.html'],
    });
    expect(resolveHref('', '', 'bad%zz.html')).toMatchObject({ candidates: ['bad%zz.html'] });
  });

  it('treats URLs as external and never climbs out of the package', () => {
    expect(resolveHref('', '', 'https://example.com/x.js')).toEqual({ kind: 'external' });
    expect(resolveHref('', '', '//cdn.example.com/x.js')).toEqual({ kind: 'external' });
    expect(resolveHref('', 'http://example.com/', 'x.js')).toEqual({ kind: 'external' });
    expect(resolveHref('wrap/', '', '../x.html')).toEqual({ kind: 'outside', href: '../x.html' });
    expect(resolveHref('', 'a/', '../../x.html')).toEqual({ kind: 'outside', href: '../../x.html' });
  });

  it('resolves plain paths by its shortcut exactly as by the full rules', () => {
    // "./" as xml:base changes nothing but takes the full path through the rules.
    const random = seededRandom(7);
    const alphabet = ['a', 'B', '7', '_', '-', '.', '/', '%20', '%', '?x', '#y', ':', '\\', ' ', '..', 'é'];
    for (let i = 0; i < 3000; i++) {
      const href = Array.from({ length: 1 + random(8) }, () => alphabet[random(alphabet.length)]).join('');
      for (const root of ['', 'wrap/', 'odd%41/']) {
        expect(resolveHref(root, '', href)).toEqual(resolveHref(root, './', href));
      }
    }
  });
});
