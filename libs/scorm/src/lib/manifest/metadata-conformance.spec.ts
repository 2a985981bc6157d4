import { parseXmlSafely } from '../xml/safe-xml-parser';
import { childElements } from '../xml/xml-elements';
import { metadataRecordProblem } from './metadata-conformance';

const LOM = 'http://ltsc.ieee.org/xsd/LOM';
const IMSMD = 'http://www.imsglobal.org/xsd/imsmd_rootv1p2p1';
const record = (xml: string) => childElements(parseXmlSafely(`<metadata>${xml}</metadata>`, 'test'))[0];

describe('metadataRecordProblem', () => {
  it('keeps the LOM the golf metadata package carries inline (2004)', () => {
    const golf = `<lom xmlns="${LOM}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${LOM} lom.xsd">
      <general><description><string language="en-US">A picture.</string></description></general>
      <technical><format>image/jpeg</format><size>12288</size><location>http://example.com/</location></technical></lom>`;
    expect(metadataRecordProblem(record(golf), '2004')).toBeNull();
  });

  it.each([
    [
      `<lom xmlns="http://www.imsglobal.org/xsd/ims_lom_v1p0"/>`,
      '2004',
      /LOM in the namespace .*ims_lom_v1p0/,
    ],
    [
      `<lom xmlns="${LOM}"><general><title><string>A <b>b</b></string></title></general></lom>`,
      '2004',
      /markup inside the LOM text "string"/,
    ],
    [
      `<lom xmlns="${LOM}"><general><title><string language="en us">A</string></title></general></lom>`,
      '2004',
      /invalid language "en us"/,
    ],
    [`<lom xmlns="${LOM}"><general/><general/></lom>`, '2004', /LOM "general" repeated/],
    [
      `<lom xmlns="${LOM}"><educational/></lom>`,
      '2004',
      /"educational" parts, which the merge does not check/,
    ],
    [`<lom xmlns="${LOM}"><technical><size>1 KB</size></technical></lom>`, '2004', /invalid LOM size "1 KB"/],
    [`<note>hi</note>`, '2004', /"note" elements in no namespace/],
    [
      `<x:lom xmlns:x="${IMSMD}"><x:technical/><x:general/></x:lom>`,
      '1.2',
      /"general" out of the schema's order/,
    ],
    [`<x:lom xmlns:x="${IMSMD}"><x:general><x:title/></x:general></x:lom>`, '1.2', /an empty LOM "title"/],
    [`<lom xmlns="${LOM}"/>`, '1.2', /LOM in the namespace http:\/\/ltsc.ieee.org\/xsd\/LOM/],
  ] as const)('refuses %s in %s output', (xml, family, reason) => {
    expect(metadataRecordProblem(record(xml), family)).toMatch(reason);
  });

  it('keeps valid 1.2 imsmd LOM in 1.2 output', () => {
    const xml = `<x:lom xmlns:x="${IMSMD}"><x:general><x:title><x:langstring xml:lang="en">A</x:langstring></x:title><x:language>en</x:language></x:general><x:technical><x:size>3</x:size></x:technical></x:lom>`;
    expect(metadataRecordProblem(record(xml), '1.2')).toBeNull();
  });
});
