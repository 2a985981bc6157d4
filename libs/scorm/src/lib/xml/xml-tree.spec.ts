import { element, escapeXmlAttribute, serializeXml, textElement, textNode } from './xml-tree';

describe('xml-tree', () => {
  it('indents element-only content and keeps text content exact', () => {
    const xml = serializeXml(
      element('a', { x: '1 & "2"' }, [
        textElement('b', '  keep <this> & that  '),
        element('c'),
        element('d', {}, [textNode('t'), element('e')]),
      ]),
    );
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<a x="1 &amp; &quot;2&quot;">\n  <b>  keep &lt;this&gt; &amp; that  </b>\n  <c/>\n  <d>t<e/></d>\n</a>\n',
    );
  });

  it('drops characters XML cannot hold and escapes whitespace in attributes', () => {
    expect(escapeXmlAttribute('a\u0001b\tc\nd\uFFFE')).toBe('ab&#9;c&#10;d');
  });
});
