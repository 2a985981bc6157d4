import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { buildZip, removeTempFiles, seededRandom, writeTempFile, type ZipEntrySpec } from '../../testing';
import { expectSoundMerge } from '../../testing/merge-assertions';
import { readManifestText, readStoredEntries, xmllintAvailable } from '../../testing/merged-package-checks';
import { sharedFixturesDir } from '../../testing/shared-fixtures';
import type { MergeInput } from './merge-types';
import { mergePackages } from './merge-packages';

// Packages whose inline metadata is wrong in every way seen in the wild; every merge of them must
// still validate against the IMS/ADL XSDs (../shared/fixtures/scorm/xsd).
const fixtures = sharedFixturesDir('scorm');
const xsdFolder =
  fixtures && existsSync(join(fixtures, 'xsd'))
    ? { '1.2': join(fixtures, 'xsd/scorm12'), '2004': join(fixtures, 'xsd/scorm2004-4th') }
    : undefined;
if (!xmllintAvailable())
  console.warn('xmllint is missing (apt-get install libxml2-utils): the XSD part is skipped.');
else if (!xsdFolder)
  console.warn('../shared/fixtures/scorm/xsd is absent: validating against the schemas this project ships.');

type Family = '1.2' | '2004';
type Random = (n: number) => number;

/**
 * seededRandom's low bits repeat quickly (`state % 2` alternates), so some choices never came up;
 * drawing from the high bits ((state / 2^16) mod n) varies them all.
 */
function highBitsRandom(seed: number): Random {
  const draw = seededRandom(seed);
  return (n) => Math.floor(draw(n * 0x10000) / 0x10000);
}

const NS = {
  '1.2': {
    cp: 'http://www.imsproject.org/xsd/imscp_rootv1p1p2',
    adlcp: 'http://www.adlnet.org/xsd/adlcp_rootv1p2',
    scormType: 'scormtype',
  },
  '2004': {
    cp: 'http://www.imsglobal.org/xsd/imscp_v1p1',
    adlcp: 'http://www.adlnet.org/xsd/adlcp_v1p3',
    scormType: 'scormType',
  },
} as const;

const IMSMD = 'http://www.imsglobal.org/xsd/imsmd_rootv1p2p1';
const LOM = 'http://ltsc.ieee.org/xsd/LOM';

/** A one-SCO SCORM 1.2 manifest whose organization and item carry `title`. */
function buildScorm12Manifest(title: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="long" version="1" xmlns="${NS['1.2'].cp}" xmlns:adlcp="${NS['1.2'].adlcp}">
  <organizations default="o"><organization identifier="o"><title>${title}</title>
    <item identifier="i" identifierref="r"><title>${title}</title></item>
  </organization></organizations>
  <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="a.html"><file href="a.html"/></resource></resources>
</manifest>`;
}

/** One inline metadata record; some valid, most not, in the ways the issue lists. */
const RECORDS: Array<(family: Family) => string> = [
  // Valid in its own family.
  (family) =>
    family === '1.2'
      ? `<imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:general><imsmd:title><imsmd:langstring xml:lang="en">Golf</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom>`
      : `<lom xmlns="${LOM}"><general><title><string language="en">Golf</string></title></general><technical><size>12288</size></technical></lom>`,
  // LOM in a non-SCORM namespace.
  () =>
    `<lom xmlns="http://www.imsglobal.org/xsd/ims_lom_v1p0"><general><title><langstring>Golf</langstring></title></general></lom>`,
  () => `<imsmd:lom xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2"><imsmd:general/></imsmd:lom>`,
  // Markup inside a LOM string, in the LOM namespace and in none.
  (family) =>
    family === '1.2'
      ? `<imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:general><imsmd:description><imsmd:langstring xml:lang="en">Learn <b>golf</b> <a href="x.html">now</a></imsmd:langstring></imsmd:description></imsmd:general></imsmd:lom>`
      : `<lom xmlns="${LOM}"><general><description><string language="en">Learn <b>golf</b> <br/>now</string></description></general></lom>`,
  // The other family's LOM.
  (family) =>
    family === '1.2'
      ? `<lom xmlns="${LOM}"><general><title><string>Golf</string></title></general></lom>`
      : `<imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:general><imsmd:title><imsmd:langstring>Golf</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom>`,
  // Elements of no schema at all.
  // Unprefixed, this lands in the manifest's own (CP) namespace, which defines no such element.
  () => `<note>Written by hand</note>`,
  () => `<note xmlns="">Written in no namespace</note>`,
  () => `<custom:info xmlns:custom="urn:example:metadata" level="2">internal</custom:info>`,
  // Right namespace, wrong values or shapes.
  (family) =>
    family === '1.2'
      ? `<imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:general><imsmd:title><imsmd:langstring xml:lang="English (US)">Golf</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom>`
      : `<lom xmlns="${LOM}"><general><title><string language="English (US)">Golf</string></title></general></lom>`,
  (family) =>
    family === '1.2'
      ? `<imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:technical><imsmd:size>12 KB</imsmd:size></imsmd:technical></imsmd:lom>`
      : `<lom xmlns="${LOM}"><technical><size>12 KB</size></technical></lom>`,
  (family) =>
    family === '1.2'
      ? `<imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:technical/><imsmd:general/></imsmd:lom>`
      : `<lom xmlns="${LOM}"><general/><general/><lifeCycle><status><source>LOMv1.0</source><value>final</value></status></lifeCycle></lom>`,
];

const SCHEMA_VERSIONS = ['1.2', '2004 3rd Edition', 'CAM 1.3', '2004 4th Edition'];

/** A metadata block: maybe schema lines, maybe locations (present, missing, twice), records. */
function metadataBlock(random: Random, family: Family, withVersion: boolean): string {
  const parts: string[] = [];
  if (withVersion && random(2) === 0)
    parts.push(
      `<schema>ADL SCORM</schema><schemaversion>${SCHEMA_VERSIONS[random(SCHEMA_VERSIONS.length)]}</schemaversion>`,
    );
  const locations = ['meta/lom.xml', 'meta/missing.xml', 'nothere.xml'];
  for (let n = random(3); n > 0; n--) {
    const location = locations[random(locations.length)];
    parts.push(`<adlcp:location>${location}</adlcp:location>`);
    if (random(3) === 0) parts.push(`<adlcp:location>${location}</adlcp:location>`); // twice
  }
  for (let n = 1 + random(2); n > 0; n--) parts.push(RECORDS[random(RECORDS.length)](family));
  return `<metadata>${parts.join('')}</metadata>`;
}

/** 0–2 metadata blocks (two in one place is invalid too). */
function blocks(random: Random, family: Family, withVersion = true): string {
  let text = '';
  for (let n = random(3); n > 0; n--) text += metadataBlock(random, family, withVersion);
  return text;
}

function emptyOrTitle(random: Random, title: string): string {
  return ['<title/>', '<title>   </title>', `<title>${title}</title>`][random(3)];
}

function generatedPackage(random: Random, family: Family, index: number): MergeInput {
  const ns = NS[family];
  const scoCount = 1 + random(3);
  const items: string[] = [];
  const resources: string[] = [];
  const files: ZipEntrySpec[] = [{ name: 'meta/lom.xml', data: `<lom xmlns="${LOM}"><general/></lom>` }];
  for (let n = 1; n <= scoCount; n++) {
    const href = `sco${n}/page ${n}.html`;
    files.push({ name: href, data: `<!DOCTYPE html><title>SCO ${n}</title><p>Lesson ${n}</p>` });
    // Misplaced metadata: before the title, after it, or both.
    const before = random(3) === 0 ? blocks(random, family) : '';
    items.push(
      `<item identifier="item${n}" identifierref="res${n}">${before}${emptyOrTitle(random, `Lesson ${n}`)}${blocks(random, family)}</item>`,
    );
    const fileMeta = random(2) === 0 ? metadataBlock(random, family, true) : '';
    const [first, last] = random(2) === 0 ? [blocks(random, family), ''] : ['', blocks(random, family)];
    resources.push(
      `<resource identifier="res${n}" type="webcontent" adlcp:${ns.scormType}="sco" href="${encodeURI(href)}">${first}<file href="${encodeURI(href)}">${fileMeta}</file>${last}</resource>`,
    );
  }
  // An asset item with an empty title, as seen in the wild.
  if (random(2) === 0) {
    files.push({ name: 'extra/handout.pdf', data: '%PDF-1.4' });
    items.push(`<item identifier="asset" identifierref="res_asset"><title/></item>`);
    resources.push(
      `<resource identifier="res_asset" type="webcontent" adlcp:${ns.scormType}="asset" href="extra/handout.pdf"><file href="extra/handout.pdf"/></resource>`,
    );
  }
  const version = family === '1.2' ? '1.2' : '2004 3rd Edition';
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="generated${index}" version="1" xmlns="${ns.cp}" xmlns:adlcp="${ns.adlcp}">
  <metadata><schema>ADL SCORM</schema><schemaversion>${version}</schemaversion>${random(2) === 0 ? metadataBlock(random, family, false).slice(10, -11) : ''}</metadata>
  <organizations default="org"><organization identifier="org">${emptyOrTitle(random, 'Organization')}
    ${items.join('\n    ')}
    ${random(2) === 0 ? metadataBlock(random, family, false) : ''}
  </organization></organizations>
  <resources>
    ${resources.join('\n    ')}
  </resources>
</manifest>`;
  const zip = buildZip([{ name: 'imsmanifest.xml', data: manifest }, ...files]);
  return {
    zipPath: writeTempFile(zip, `generated-${family}-${index}.zip`),
    title: `Generated ${family} package ${index}`,
    description: '',
    filename: `generated-${family}-${index}.zip`,
  };
}

describe('mergePackages: any inline metadata gives a valid manifest', () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(join(tmpdir(), 'scorm-merge-metadata-'))));
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    removeTempFiles();
  });

  /** Every warning and moved record of the generated merges, so a later test can check their variety. */
  const seen: string[] = [];
  const cases: Array<[string, number, Family[], string]> = [];
  for (let seed = 1; seed <= 8; seed++) {
    cases.push([`1.2 only, seed ${seed}`, seed, ['1.2', '1.2'], '1.2']);
    cases.push([`mixed, seed ${seed}`, 1000 + seed, ['1.2', '2004', '1.2'], '2004 4th Edition']);
  }

  it.each(cases)('%s', async (label, seed, families, version) => {
    const random = highBitsRandom(seed);
    const inputs = families.map((family, index) => generatedPackage(random, family, index + 1));
    const result = await mergePackages(inputs, join(out, `${label.replace(/\W+/g, '-')}.zip`), {
      title: 'Generated',
    });
    expect(result.scormVersion).toBe(version);
    seen.push(...result.warnings.map((warning) => `${version}: ${warning}`));
    for (const [name, entry] of await readStoredEntries(result.outputPath))
      if (/imsmanifest-metadata-\d+\.xml$/.test(name))
        seen.push(
          (entry.info.compressionMethod === 8 ? inflateRawSync(entry.raw) : entry.raw).toString('utf8'),
        );
    // XSD (when xmllint is here), identifiers, references, SCO counts, bytes, schemaversion,
    // titles and locations.
    await expectSoundMerge(result, inputs, { xsdFolder });
    const manifest = await readManifestText(result.outputPath);
    expect(manifest).not.toContain('nothere.xml');
    expect(manifest).not.toContain('ims_lom_v1p0');
  });

  it('bounds titles to the 200 characters SCORM 1.2 allows', async () => {
    const long = 'A very long title '.repeat(20).trim();
    const manifest = buildScorm12Manifest(long);
    const inputs = [
      {
        zipPath: writeTempFile(
          buildZip([
            { name: 'imsmanifest.xml', data: manifest },
            { name: 'a.html', data: '<p>A</p>' },
          ]),
          'long.zip',
        ),
        title: long,
        description: '',
      },
    ];
    const result = await mergePackages(inputs, join(out, 'long.zip'), { title: long });
    expect(result.scormVersion).toBe('1.2');
    const report = await expectSoundMerge(result, inputs, { xsdFolder });
    expect(report.xsd).not.toBe('does not validate');
    for (const match of (await readManifestText(result.outputPath)).matchAll(/<title>([^<]*)<\/title>/g))
      expect(Array.from(match[1]).length).toBeLessThanOrEqual(200);
  });

  it('generated every kind of fault the property covers', () => {
    const all = seen.join('\n');
    for (const reason of [
      /1\.2: .*moved into files.*SCORM 1\.2 schemas/,
      /2004 4th Edition: .*moved into files.*SCORM 2004 schemas/,
      /<lom xmlns="http:\/\/www.imsglobal.org\/xsd\/ims_lom_v1p0">/,
      /Learn <b>golf<\/b>/,
      /<note xmlns="http:\/\/www.im[^"]*">Written by hand<\/note>/,
      /<note>Written in no namespace<\/note>/,
      /<size>12 KB<\/size>/,
      /lang="English \(US\)"/,
      /<general\/>\s*<general\/>/,
      /metadata files named in the manifest are not in the package/,
    ])
      expect(all).toMatch(reason);
  });

  it('says what it moved and what it dropped, and keeps what validates inline', async () => {
    const random = highBitsRandom(42);
    const inputs = [generatedPackage(random, '1.2', 1)];
    const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" version="1" xmlns="${NS['1.2'].cp}" xmlns:adlcp="${NS['1.2'].adlcp}">
  <organizations default="org"><organization identifier="org"><title>O</title>
    <item identifier="i1" identifierref="r1"><title/>
      <metadata>
        <schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion>
        <adlcp:location>meta/lom.xml</adlcp:location><adlcp:location>meta/lom.xml</adlcp:location>
        <adlcp:location>nothere.xml</adlcp:location>
        <lom xmlns="http://www.imsglobal.org/xsd/ims_lom_v1p0"><general/></lom>
        <imsmd:lom xmlns:imsmd="${IMSMD}"><imsmd:general><imsmd:title><imsmd:langstring xml:lang="en">Kept</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom>
      </metadata>
    </item>
  </organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="putting_basics.html"><file href="putting_basics.html"/></resource></resources>
</manifest>`;
    inputs.push({
      zipPath: writeTempFile(
        buildZip([
          { name: 'imsmanifest.xml', data: manifest },
          { name: 'putting_basics.html', data: '<p>Putting</p>' },
          { name: 'meta/lom.xml', data: '<lom/>' },
        ]),
        'handmade.zip',
      ),
      title: 'Handmade',
      description: '',
      filename: 'handmade.zip',
    });
    const result = await mergePackages(inputs, join(out, 'handmade.zip'), { title: 'C' });
    expect(result.scormVersion).toBe('1.2');
    await expectSoundMerge(result, inputs, { xsdFolder });
    const text = await readManifestText(result.outputPath);
    const item = text.slice(
      text.indexOf('<item identifier="p02_i1"'),
      text.indexOf('</item>', text.indexOf('p02_i1')),
    );
    // Titled from its launch file; the contradicting version lines gone; one location each.
    expect(item).toContain('<title>putting basics</title>');
    expect(item).not.toContain('schemaversion');
    expect(item.match(/02-handmade\/meta\/lom.xml/g)).toHaveLength(1);
    expect(item).toContain('<adlcp:location>02-handmade/imsmanifest-metadata-1.xml</adlcp:location>');
    expect(item).toContain('<imsmd:langstring xml:lang="en">Kept</imsmd:langstring>');
    expect(result.warnings).toContainEqual(
      expect.stringMatching(
        /“Handmade” \(position 2, file “handmade.zip”\): 1 inline metadata record was moved into files in the module's folder, because the SCORM 1.2 schemas could reject them \(LOM in the namespace http:\/\/www.imsglobal.org\/xsd\/ims_lom_v1p0/,
      ),
    );
    expect(result.warnings).toContainEqual(
      expect.stringMatching(
        /“Handmade”.*metadata files named in the manifest are not in the package.*"nothere.xml"/,
      ),
    );
  });
});
