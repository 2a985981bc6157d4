// Checks the merge tests run on every merged package (built fixtures and the real corpus).
// Test support only: nothing in the library imports this file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { locateManifest } from '../lib/manifest/manifest-locator';
import { parseXmlSafely } from '../lib/xml/safe-xml-parser';
import { attributeValue, childElements, textOf, walkElements } from '../lib/xml/xml-elements';
import type { XmlElement } from '../lib/xml/xml-reader';
import { openZipArchive, type ZipArchive, type ZipEntryInfo } from '../lib/zip/zip-archive';
import {
  SCORM12_SCHEMA_FILES,
  SCORM2004_4TH_SCHEMA_FILES,
} from '../lib/merge/schemas/schema-files.generated';

export function xmllintAvailable(): boolean {
  return spawnSync('xmllint', ['--version']).status === 0;
}

const DRIVERS = {
  '1.2': `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.imsproject.org/xsd/imscp_rootv1p1p2" schemaLocation="imscp_rootv1p1p2.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_rootv1p2" schemaLocation="adlcp_rootv1p2.xsd"/>
  <xsd:import namespace="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1" schemaLocation="imsmd_rootv1p2p1.xsd"/>
</xsd:schema>
`,
  '2004': `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="http://www.imsglobal.org/xsd/imscp_v1p1" schemaLocation="imscp_v1p1.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlcp_v1p3" schemaLocation="adlcp_v1p3.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlseq_v1p3" schemaLocation="adlseq_v1p3.xsd"/>
  <xsd:import namespace="http://www.adlnet.org/xsd/adlnav_v1p3" schemaLocation="adlnav_v1p3.xsd"/>
  <xsd:import namespace="http://www.imsglobal.org/xsd/imsss" schemaLocation="imsss_v1p0.xsd"/>
  <xsd:import namespace="http://ltsc.ieee.org/xsd/LOM" schemaLocation="lom.xsd"/>
</xsd:schema>
`,
};

const CATALOG = `<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <system systemId="http://www.w3.org/2001/xml.xsd" uri="xml.xsd"/>
  <uri name="http://www.w3.org/2001/xml.xsd" uri="xml.xsd"/>
</catalog>
`;

export interface XmllintResult {
  valid: boolean;
  output: string;
}

/**
 * Validates a manifest with xmllint as ../shared/fixtures/scorm/VALIDATE.md does: against a driver
 * schema importing every namespace, offline, with the catalog for the 2004 4th-edition set.
 * `xsdFolder` is a folder holding the set and its driver (the shared fixtures); without it the
 * schema files this project ships are used, with a driver written here.
 */
export function validateWithXmllint(
  manifestXml: string,
  family: '1.2' | '2004',
  xsdFolder?: string,
): XmllintResult {
  const work = mkdtempSync(join(tmpdir(), 'scorm-merge-xsd-'));
  try {
    const manifestPath = join(work, 'imsmanifest.xml');
    writeFileSync(manifestPath, manifestXml);
    let schemaDir = xsdFolder;
    if (!schemaDir) {
      schemaDir = join(work, 'xsd');
      for (const file of family === '1.2' ? SCORM12_SCHEMA_FILES : SCORM2004_4TH_SCHEMA_FILES) {
        mkdirSync(dirname(join(schemaDir, file.name)), { recursive: true });
        writeFileSync(join(schemaDir, file.name), file.text, 'latin1');
      }
      writeFileSync(
        join(schemaDir, family === '1.2' ? 'scorm12_driver.xsd' : 'scorm2004_driver.xsd'),
        DRIVERS[family],
      );
      writeFileSync(join(schemaDir, 'catalog.xml'), CATALOG);
    }
    const driver = join(schemaDir, family === '1.2' ? 'scorm12_driver.xsd' : 'scorm2004_driver.xsd');
    const env = { ...process.env };
    if (family === '2004') env['XML_CATALOG_FILES'] = join(schemaDir, 'catalog.xml');
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', driver, manifestPath], {
      env,
      encoding: 'utf8',
    });
    const output = `${run.stdout}${run.stderr}`;
    return { valid: run.status === 0 && output.includes('imsmanifest.xml validates'), output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The XPath checks of VALIDATE.md (each count must be 0), run with xmllint. */
export const XPATH_CHECKS = {
  danglingDefault:
    "count(//*[local-name()='organizations'][@default][not(*[local-name()='organization']/@identifier = @default)])",
  danglingItemRef:
    "count(//*[local-name()='item'][@identifierref][not(@identifierref = //*[local-name()='resource']/@identifier)])",
  danglingDependency:
    "count(//*[local-name()='dependency'][not(@identifierref = //*[local-name()='resource']/@identifier)])",
  danglingIdRef:
    "count(//*[local-name()='sequencing'][@IDRef][not(@IDRef = //*[local-name()='sequencingCollection']/*/@ID)])",
  duplicateIds:
    'count((//@identifier|//@ID)[. = ../preceding::*/@identifier or . = ../preceding::*/@ID or . = ../ancestor::*/@identifier or . = ../ancestor::*/@ID])',
  nonLeafWithRef: "count(//*[local-name()='item'][@identifierref][*[local-name()='item']])",
} as const;

export const SCO_ITEM_XPATH =
  "count(//*[local-name()='item'][@identifierref = //*[local-name()='resource'][@*[local-name()='scormType' or local-name()='scormtype']='sco']/@identifier])";

export function xpathCount(manifestXml: string, expression: string): number {
  const work = mkdtempSync(join(tmpdir(), 'scorm-merge-xpath-'));
  try {
    const path = join(work, 'imsmanifest.xml');
    writeFileSync(path, manifestXml);
    return Number(execFileSync('xmllint', ['--xpath', expression, path], { encoding: 'utf8' }).trim());
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The same rules checked in JavaScript, so they also run where xmllint is missing. */
export interface ManifestFacts {
  root: XmlElement;
  duplicateIds: string[];
  danglingRefs: string[];
  /** Items launching a SCO, in document order: identifier and title. */
  scoItems: Array<{ identifier: string; title: string }>;
  /** Titles of the organization's module items, in order (the menu excluded). */
  moduleTitles: string[];
  /** Every file href of every resource. */
  fileHrefs: string[];
  resourceHrefs: string[];
}

export function inspectMergedManifest(manifestXml: string): ManifestFacts {
  const root = parseXmlSafely(manifestXml, 'merged manifest');
  const seen = new Set<string>();
  const duplicateIds: string[] = [];
  const resources = new Map<string, string | null>();
  const collection = new Set<string>();
  const fileHrefs: string[] = [];
  const resourceHrefs: string[] = [];
  walkElements(root, (el) => {
    for (const name of ['identifier', 'ID']) {
      const value = el.getAttribute(name);
      if (!value) continue;
      if (seen.has(value)) duplicateIds.push(value);
      seen.add(value);
    }
    if (el.localName === 'resource') {
      resources.set(el.getAttribute('identifier') ?? '', attributeValue(el, 'scormtype', true));
      if (el.getAttribute('href')) resourceHrefs.push(el.getAttribute('href') as string);
    }
    if (el.localName === 'file') fileHrefs.push(el.getAttribute('href') ?? '');
    if (el.localName === 'sequencingCollection') {
      for (const child of childElements(el)) {
        if (child.localName === 'sequencing') collection.add(child.getAttribute('ID') ?? '');
      }
    }
  });
  const danglingRefs: string[] = [];
  const scoItems: Array<{ identifier: string; title: string }> = [];
  let organizationIds = new Set<string>();
  walkElements(root, (el) => {
    if (el.localName === 'organizations') {
      organizationIds = new Set(childElements(el).map((org) => org.getAttribute('identifier') ?? ''));
      const wanted = el.getAttribute('default');
      if (wanted && !organizationIds.has(wanted)) danglingRefs.push(`default=${wanted}`);
    }
    if (el.localName === 'item' && el.getAttribute('identifierref')) {
      const ref = el.getAttribute('identifierref') as string;
      if (!resources.has(ref)) danglingRefs.push(`identifierref=${ref}`);
      else if (resources.get(ref) === 'sco') {
        const title = childElements(el).find((child) => child.localName === 'title');
        scoItems.push({ identifier: el.getAttribute('identifier') ?? '', title: title ? textOf(title) : '' });
      }
    }
    if (el.localName === 'dependency' && !resources.has(el.getAttribute('identifierref') ?? '')) {
      danglingRefs.push(`dependency=${el.getAttribute('identifierref')}`);
    }
    if (
      el.localName === 'sequencing' &&
      el.getAttribute('IDRef') &&
      !collection.has(el.getAttribute('IDRef') as string)
    ) {
      danglingRefs.push(`IDRef=${el.getAttribute('IDRef')}`);
    }
  });
  const organization = childElements(
    childElements(root).find((el) => el.localName === 'organizations') as XmlElement,
  )[0];
  let moduleParent = organization;
  const topItems = childElements(organization).filter((el) => el.localName === 'item');
  // SCORM 1.2 output hangs everything from one non-launchable root item.
  if (topItems.length === 1 && topItems[0].getAttribute('identifier') === 'merge_root')
    moduleParent = topItems[0];
  const moduleTitles = childElements(moduleParent)
    .filter((el) => el.localName === 'item' && el.getAttribute('identifier') !== 'merge_menu')
    .map((el) => textOf(childElements(el).find((child) => child.localName === 'title') as XmlElement));
  return { root, duplicateIds, danglingRefs, scoItems, moduleTitles, fileHrefs, resourceHrefs };
}

export interface ZipEntryData {
  info: ZipEntryInfo;
  /** Stored (compressed) bytes. */
  raw: Buffer;
}

/** Every file entry of a (small, test) zip with its stored bytes. */
export async function readStoredEntries(zipPath: string): Promise<Map<string, ZipEntryData>> {
  const archive = await openZipArchive(zipPath, { maxEntries: 200_000 });
  try {
    const result = new Map<string, ZipEntryData>();
    for (const info of archive.entries) {
      if (info.isDirectory) continue;
      result.set(info.name, { info, raw: await readRaw(archive, info) });
    }
    return result;
  } finally {
    await archive.close();
  }
}

async function readRaw(archive: ZipArchive, info: ZipEntryInfo): Promise<Buffer> {
  const stream = await archive.openEntryStream(info, { raw: true });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readManifestText(zipPath: string): Promise<string> {
  const archive = await openZipArchive(zipPath);
  try {
    const entry = archive.entries.find((e) => e.name === 'imsmanifest.xml');
    if (!entry) throw new Error('The merged zip has no imsmanifest.xml at its root.');
    return (await archive.readEntry(entry, 64 * 1024 * 1024)).toString('utf8');
  } finally {
    await archive.close();
  }
}

export async function readEntryText(zipPath: string, name: string): Promise<string> {
  const archive = await openZipArchive(zipPath);
  try {
    const entry = archive.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`The zip has no "${name}".`);
    return (await archive.readEntry(entry, 64 * 1024 * 1024)).toString('utf8');
  } finally {
    await archive.close();
  }
}

/**
 * Compares every learner file of an input package with its copy in the merged zip: same name
 * under the module folder, same CRC and sizes, same stored bytes. Returns the differences.
 */
export async function compareCopiedFiles(
  inputZip: string,
  merged: Map<string, ZipEntryData>,
  folder: string,
): Promise<{ compared: number; problems: string[] }> {
  const archive = await openZipArchive(inputZip);
  const problems: string[] = [];
  let compared = 0;
  try {
    const { rootFolder, entry: manifest } = locateManifest(archive.entries);
    for (const info of archive.entries) {
      if (info.isDirectory || info === manifest || !info.name.startsWith(rootFolder)) continue;
      const name = folder + info.name.slice(rootFolder.length);
      const copy = merged.get(name);
      compared++;
      if (!copy) {
        problems.push(`missing: ${name}`);
        continue;
      }
      if (copy.info.crc32 !== info.crc32 || copy.info.uncompressedSize !== info.uncompressedSize) {
        problems.push(`crc/size differ: ${name}`);
      }
      if (
        copy.info.compressionMethod !== info.compressionMethod ||
        !copy.raw.equals(await readRaw(archive, info))
      ) {
        problems.push(`stored bytes differ: ${name}`);
      }
    }
  } finally {
    await archive.close();
  }
  return { compared, problems };
}
