import { buildScormManifest, encodeManifest } from '../../testing';
import { parseManifest } from './manifest-parser';
import { PackageError } from '../package-error';

const parse = (xml: string) => parseManifest(Buffer.from(xml, 'utf8'));

const CP12 = 'http://www.imsproject.org/xsd/imscp_rootv1p1p2';
const CP2004 = 'http://www.imsglobal.org/xsd/imscp_v1p1';
const ADLCP12 = 'http://www.adlnet.org/xsd/adlcp_rootv1p2';
const ADLCP2004 = 'http://www.adlnet.org/xsd/adlcp_v1p3';

/** A manifest with no schemaversion, so the version comes from namespaces alone. */
function bareManifest(attributes: string, body = ''): string {
  return `<manifest identifier="m" ${attributes}><organizations default="o"><organization identifier="o"><title>T</title>
    <item identifier="i1" identifierref="r1"><title>One</title></item></organization></organizations>
    <resources><resource identifier="r1" type="webcontent" href="a.html">${body}</resource></resources></manifest>`;
}

describe('parseManifest', () => {
  it('reads a SCORM 1.2 manifest', () => {
    const manifest = parse(
      buildScormManifest('1.2', { title: 'Org', scos: [{ title: 'A' }, { title: 'B' }] }),
    );
    expect(manifest).toMatchObject({
      identifier: 'com.example.test',
      schemaVersion: '1.2',
      scormVersion: '1.2',
      scormFamily: '1.2',
      versionGuessed: false,
      defaultOrganizationId: 'org1',
      metadataLocation: null,
      lom: null,
    });
    expect(manifest.organizations[0].title).toBe('Org');
    expect(manifest.organizations[0].items.map((item) => item.title)).toEqual(['A', 'B']);
    expect(manifest.resources[0]).toEqual({
      identifier: 'res1',
      scormType: 'sco',
      href: 'sco1/index.html',
      base: '',
      files: ['sco1/index.html'],
      dependencies: [],
    });
  });

  it.each([
    ['default namespace', { cp: '', adlcp: 'adlcp' }],
    ['imscp prefix', { cp: 'imscp', adlcp: 'adlcp' }],
    ['unusual prefixes', { cp: 'ns0', adlcp: 'q' }],
  ])('matches namespaces, not prefixes (%s)', (_label, prefixes) => {
    for (const family of ['1.2', '2004'] as const) {
      const manifest = parse(buildScormManifest(family, { prefixes, scos: [{ title: 'A' }] }));
      expect(manifest.organizations[0].items).toHaveLength(1);
      expect(manifest.resources[0].scormType).toBe('sco');
      expect(manifest.scormFamily).toBe(family);
    }
  });

  it('tolerates a manifest with no namespaces at all', () => {
    const manifest = parse(
      bareManifest('', '').replace('type="webcontent"', 'type="webcontent" scormtype="sco"'),
    );
    expect(manifest.resources[0].scormType).toBe('sco');
    expect(manifest.organizations[0].items[0].identifierref).toBe('r1');
    expect(manifest.versionGuessed).toBe(true);
  });

  it.each([
    ['1.2', '1.2'],
    ['CAM 1.3', '2004 2nd Edition'],
    ['2004 3rd Edition', '2004 3rd Edition'],
    ['2004 4th Edition', '2004 4th Edition'],
  ])('maps schemaversion %j to %j', (schemaVersion, expected) => {
    const family = schemaVersion === '1.2' ? '1.2' : '2004';
    const manifest = parse(buildScormManifest(family, { schemaVersion }));
    expect(manifest.scormVersion).toBe(expected);
    expect(manifest.schemaVersion).toBe(schemaVersion);
  });

  it.each([
    ['adlcp_rootv1p2', `xmlns="${CP12}" xmlns:adlcp="${ADLCP12}"`, '', '1.2'],
    ['adlcp_v1p3', `xmlns="${CP2004}" xmlns:adlcp="${ADLCP2004}"`, '', '2004 3rd Edition'],
    ['imsss', `xmlns="${CP2004}" xmlns:imsss="http://www.imsglobal.org/xsd/imsss"`, '', '2004 3rd Edition'],
    [
      'adlcp:data/adlcp:map (4th)',
      `xmlns="${CP2004}" xmlns:adlcp="${ADLCP2004}"`,
      '<adlcp:data><adlcp:map targetID="x"/></adlcp:data>',
      '2004 4th Edition',
    ],
    [
      'adlseq:objectives (4th)',
      `xmlns="${CP2004}" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"`,
      '<adlseq:objectives/>',
      '2004 4th Edition',
    ],
    [
      'completionThreshold@progressWeight (4th)',
      `xmlns="${CP2004}" xmlns:adlcp="${ADLCP2004}"`,
      '<adlcp:completionThreshold progressWeight="0.5"/>',
      '2004 4th Edition',
    ],
  ])(
    'detects the version from namespaces when schemaversion is missing: %s',
    (_label, attributes, body, version) => {
      const manifest = parse(bareManifest(attributes, body));
      expect(manifest.schemaVersion).toBeNull();
      expect(manifest.scormVersion).toBe(version);
      expect(manifest.versionGuessed).toBe(false);
    },
  );

  it('reads scormType on 2004 and scormtype on 1.2 whatever the prefix', () => {
    expect(parse(buildScormManifest('2004', { prefixes: { adlcp: 'z' } })).resources[0].scormType).toBe(
      'sco',
    );
    expect(parse(buildScormManifest('1.2', { prefixes: { adlcp: 'z' } })).resources[0].scormType).toBe('sco');
  });

  it('reads LOM 1.2 (imsmd langstring) and LOM 2004 (string) titles and descriptions', () => {
    for (const family of ['1.2', '2004'] as const) {
      const manifest = parse(
        buildScormManifest(family, { lomTitle: 'Golf Explained', lomDescription: 'About golf.' }),
      );
      expect(manifest.lom).toEqual({ title: 'Golf Explained', description: 'About golf.' });
    }
  });

  it('prefers an English langstring, else the first', () => {
    const lom = (strings: string) =>
      `<manifest identifier="m" xmlns="${CP2004}"><metadata><lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title>${strings}</title></general></lom></metadata></manifest>`;
    expect(
      parse(
        lom('<string language="es">Explicó Golf</string><string language="en-US">Golf Explained</string>'),
      ).lom?.title,
    ).toBe('Golf Explained');
    expect(
      parse(lom('<string language="es">Explicó Golf</string><string language="de">Golf</string>')).lom?.title,
    ).toBe('Explicó Golf');
  });

  it('reads adlcp:location and xml:base chains', () => {
    const xml = `<manifest identifier="m" xmlns="${CP2004}" xmlns:adlcp="${ADLCP2004}" xml:base="course/">
      <metadata><schemaversion>2004 3rd Edition</schemaversion><adlcp:location>meta/course.xml</adlcp:location></metadata>
      <organizations/>
      <resources xml:base="res"><resource identifier="r" type="webcontent" adlcp:scormType="sco" xml:base="one/" href="a.html?x=1">
        <file href="a.html"/><dependency identifierref="shared"/></resource></resources></manifest>`;
    const manifest = parse(xml);
    expect(manifest.metadataLocation).toBe('meta/course.xml');
    expect(manifest.resources[0]).toMatchObject({
      base: 'course/res/one/',
      href: 'a.html?x=1',
      dependencies: ['shared'],
    });
  });

  it('flattens items nested 1000 deep in document order', () => {
    const manifest = parse(buildScormManifest('1.2', { nestDepth: 1000, scos: [{ title: 'Deep' }] }));
    const items = manifest.organizations[0].items;
    expect(items).toHaveLength(1001);
    expect(items[1000]).toMatchObject({ title: 'Deep', depth: 1000, identifierref: 'res1' });
  });

  it('refuses absurd nesting', () => {
    const depth = 6000;
    const xml = `<manifest xmlns="${CP12}"><organizations><organization identifier="o">${'<item identifier="i">'.repeat(depth)}${'</item>'.repeat(depth)}</organization></organizations></manifest>`;
    expect(() => parse(xml)).toThrow(/more than 5000 levels deep/);
  });

  it('refuses a document whose root is not <manifest>', () => {
    expect(() => parse('<html><body/></html>')).toThrow(PackageError);
    expect(() => parse('<html><body/></html>')).toThrow(/<html> as its root element/);
  });

  it.each(['utf8-bom', 'utf16le', 'utf16be'] as const)('reads a %s manifest', (encoding) => {
    const xml = buildScormManifest('2004', { title: 'ゴルフの説明' }).replace('encoding="UTF-8"', '');
    const manifest = parseManifest(encodeManifest(xml, encoding));
    expect(manifest.organizations[0].title).toBe('ゴルフの説明');
  });
});
