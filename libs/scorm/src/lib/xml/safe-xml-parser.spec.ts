import { PackageError } from '../package-error';
import { decodeXmlBytes, parseXmlSafely } from './safe-xml-parser';
import { textOf } from './xml-elements';

const WHAT = 'The manifest (imsmanifest.xml)';
const parse = (xml: string) => parseXmlSafely(xml, WHAT);

describe('decodeXmlBytes', () => {
  const text = '<a>Golf – ゴルフ – гольф – غولف</a>';

  it.each([
    ['UTF-8 without BOM', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['UTF-16 LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
  ])('decodes %s', (_label, bytes) => {
    expect(decodeXmlBytes(bytes)).toBe(text);
  });

  it('honours a Latin-1 declaration', () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'),
      Buffer.from([0x45, 0x78, 0x70, 0x6c, 0x69, 0x63, 0xf3]),
      Buffer.from('</a>'),
    ]);
    expect(decodeXmlBytes(bytes)).toContain('<a>Explicó</a>');
  });
});

describe('parseXmlSafely', () => {
  it('parses namespaces whatever the prefix', () => {
    const root = parse(
      '<x:manifest xmlns:x="http://www.imsglobal.org/xsd/imscp_v1p1"><x:item/></x:manifest>',
    );
    expect(root.localName).toBe('manifest');
    expect(root.namespaceURI).toBe('http://www.imsglobal.org/xsd/imscp_v1p1');
  });

  it('refuses external entities (XXE) without reading them', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><manifest><title>&xxe;</title></manifest>';
    expect(() => parse(xxe)).toThrow(PackageError);
    expect(() => parse(xxe)).toThrow(/declares XML entities/);
  });

  it('refuses a billion-laughs document quickly', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']>',
      '<manifest>&lol9;</manifest>',
    ].join('\n');
    const started = Date.now();
    expect(() => parse(lol)).toThrow(/declares XML entities/);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('accepts a DOCTYPE that declares no entities, and never fetches its DTD', () => {
    const root = parse('<!DOCTYPE manifest SYSTEM "http://127.0.0.1:1/never.dtd"><manifest>ok</manifest>');
    expect(textOf(root)).toBe('ok');
  });

  it.each([
    [
      'a mismatched tag',
      '<manifest>\n<item></manifest>',
      /not well-formed XML: <item> \(opened on line 2\) is closed by <\/manifest> \(line 2, column 7\)\.$/,
    ],
    [
      'an undefined entity',
      '<manifest>&nope;</manifest>',
      /not well-formed XML: the entity &nope; is not defined/,
    ],
    [
      'a duplicate attribute',
      '<manifest a="1" a="2"/>',
      /not well-formed XML: the attribute "a" appears twice/,
    ],
    [
      'an undeclared prefix',
      '<manifest><adlcp:location>x</adlcp:location></manifest>',
      /not well-formed XML: the prefix "adlcp" is used but never declared/,
    ],
    ['an empty document', '', /not well-formed XML: it has no root element/],
    [
      'plain text',
      'hello',
      /not well-formed XML: there is text before the root element \(line 1, column 1\)/,
    ],
    ['trailing junk', '<manifest/>junk<x/>', /not well-formed XML: there is content after the root element/],
  ])('names the problem in %s', (_label, xml, message) => {
    let error: unknown;
    try {
      parse(xml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PackageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(WHAT)).toBe(true);
  });
});
