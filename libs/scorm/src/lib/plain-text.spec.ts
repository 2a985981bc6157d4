import { seededRandom } from '../testing';
import { cleanTitle, decodeHtmlEntities, htmlToPlainText, normalizeText, truncateText } from './plain-text';

describe('cleanTitle', () => {
  it('collapses whitespace and drops control characters', () => {
    expect(cleanTitle('  Golf\n\t Explained\u0000\u0007 \u0085 now ')).toBe('Golf Explained now');
  });

  it('keeps HTML as literal text', () => {
    expect(cleanTitle('<script>alert(1)</script> <b>Bold</b>')).toBe('<script>alert(1)</script> <b>Bold</b>');
  });

  it.each(['ゴルフの説明', 'شرح الجولف', 'Объяснение гольфа', 'Ça va — ½ “quotes”'])(
    'preserves non-Latin text exactly: %s',
    (title) => {
      expect(cleanTitle(title)).toBe(title);
    },
  );

  it('bounds the length to 300 characters without splitting surrogate pairs', () => {
    const long = '😀'.repeat(400);
    const result = cleanTitle(long);
    expect(Array.from(result)).toHaveLength(300);
    expect(result.endsWith('…')).toBe(true);
    expect(result).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('truncateText', () => {
  it('prefers a word boundary', () => {
    expect(truncateText('one two three four five six', 15)).toBe('one two three…');
    expect(truncateText('short', 15)).toBe('short');
  });
});

describe('decodeHtmlEntities', () => {
  it('decodes named and numeric entities and leaves unknown ones', () => {
    expect(decodeHtmlEntities('&amp;&lt;&gt;&quot;&#39;&#x263A;&nbsp;&eacute;&bogus;&#0;')).toBe(
      '&<>"\'☺ é&bogus; ',
    );
  });
});

describe('htmlToPlainText', () => {
  it('drops script, style, noscript and comments, and strips tags', () => {
    const html =
      '<html><head><style>p{color:red}</style><script>var s = "<p>not text</p>";</script></head>' +
      '<body><!-- hidden --><noscript>Enable JS</noscript><p>Golf is <b>fun</b>.</p><p>Really&nbsp;fun.</p></body></html>';
    expect(htmlToPlainText(html)).toBe('Golf is fun. Really fun.');
  });

  it('ends headings and list items as sentences', () => {
    expect(
      htmlToPlainText('<h1>Etiquette</h1><p>Be quiet on the green.</p><ul><li>One</li><li>Two?</li></ul>'),
    ).toBe('Etiquette. Be quiet on the green. One. Two?');
  });

  it('is not fooled by ">" inside attribute values', () => {
    expect(htmlToPlainText('<input value=">>" id="next"/>Text')).toBe('Text');
  });

  it('keeps escaped markup as literal text', () => {
    expect(htmlToPlainText('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toBe('<script>alert(1)</script>');
  });

  it('stays linear on hostile pages', () => {
    const started = Date.now();
    htmlToPlainText('<script'.repeat(100_000));
    htmlToPlainText('<p>a</p>'.repeat(100_000));
    htmlToPlainText(`<a title="${'x'.repeat(500_000)}`);
    htmlToPlainText('<!--'.repeat(100_000));
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('normalizeText', () => {
  it('trims and collapses', () => {
    expect(normalizeText('\n a \r\n b \u2028 c ')).toBe('a b c');
  });
});

describe('normalizeText and truncateText', () => {
  // The first, simpler versions: the faster ones must give the same text for any input.
  const referenceNormalize = (text: string) =>
    text
      .replace(/[\p{Cc}\u2028\u2029]/gu, (c) => (/\s/.test(c) ? ' ' : ''))
      .replace(/\s+/gu, ' ')
      .trim();
  const referenceTruncate = (text: string, max: number) => {
    const chars = Array.from(text);
    if (chars.length <= max) return text;
    if (max <= 1) return chars.slice(0, max).join('');
    const head = chars.slice(0, max - 1).join('');
    const lastSpace = head.lastIndexOf(' ');
    const cut = lastSpace > head.length * 0.6 ? head.slice(0, lastSpace) : head;
    return `${cut.replace(/[\s,;:.–—-]+$/u, '')}…`;
  };

  it('match their reference versions on random text with controls, spaces and surrogates', () => {
    const random = seededRandom(11);
    const pieces = [
      'a',
      'Zé',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r\n',
      '\u000b',
      '\f',
      '\u0000',
      '\u0007',
      '\u001c',
      '\u007f',
      '\u0085',
      '\u009f',
      '\u00a0',
      '\u2028',
      '\u2029',
      '\u3000',
      '\ufeff',
      '😀',
      '\ud83d',
      '\ude00',
      ',',
      '.',
      '—',
      '-',
    ];
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: random(40) }, () => pieces[random(pieces.length)]).join('');
      expect(normalizeText(text)).toBe(referenceNormalize(text));
      const max = random(30);
      expect(truncateText(text, max)).toBe(referenceTruncate(text, max));
    }
  });
});

describe('htmlToPlainText sentence marks', () => {
  it('end sentences exactly as the two-pass Unicode replace did', () => {
    const reference = (html: string) =>
      normalizeText(decodeHtmlEntities(html.replace(/<\/p>/g, '\uE000 ')))
        .replace(/([\p{L}\p{N}])\s?\uE000/gu, '$1.')
        .replace(/\s?\uE000/g, '');
    const random = seededRandom(5);
    const pieces = [
      'a',
      '7',
      'é',
      '𝐀',
      '😀',
      '\ud835',
      '\udc00',
      ' ',
      '\u00a0',
      '.',
      ',',
      '!',
      '</p>',
      '</p></p>',
      'x',
    ];
    for (let i = 0; i < 5000; i++) {
      const html = Array.from({ length: random(20) }, () => pieces[random(pieces.length)]).join('');
      expect(htmlToPlainText(html)).toBe(reference(html));
    }
  });
});
