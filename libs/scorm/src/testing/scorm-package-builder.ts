import { buildZip, type ZipEntrySpec } from './zip-builder';

/** One SCO: an item plus its resource and launch page. */
export interface ScoSpec {
  title: string;
  /** Body of the launch page; HTML is allowed and written as is. Default: a sentence naming the title. */
  text?: string;
  /** Launch page path inside the package. Default `sco<n>/index.html`. */
  href?: string;
  /** Items nested under this one (each is a SCO too). */
  children?: ScoSpec[];
}

export interface ScormPackageOptions {
  /** Organization title. Default 'Test Course'. */
  title?: string;
  /** Manifest-level inline LOM title; no LOM is written when both LOM options are absent. */
  lomTitle?: string;
  /** Manifest-level inline LOM description. */
  lomDescription?: string;
  /** Default: one SCO titled 'Lesson One'. */
  scos?: ScoSpec[];
  /** Wraps all SCOs in this many nested aggregation items ('Part 1' > 'Part 2' > ...). */
  nestDepth?: number;
  /** Puts everything under this top-level folder, e.g. 'my-course/' (people zip the folder). */
  wrapperFolder?: string;
  /** Namespace prefixes: '' writes the CP namespace as the default one. Defaults: cp '', adlcp 'adlcp'. */
  prefixes?: { cp?: string; adlcp?: string };
  identifier?: string;
  /** Override <schemaversion>; null leaves it out. */
  schemaVersion?: string | null;
  /** 2004 only. Default '3rd'. */
  edition?: '2nd' | '3rd' | '4th';
  /** How imsmanifest.xml is encoded. Default 'utf8'. */
  manifestEncoding?: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';
  /** More zip entries, names relative to the package root (the wrapper folder is added). */
  extraFiles?: ZipEntrySpec[];
}

type Family = '1.2' | '2004';

const DEFAULT_SCOS: ScoSpec[] = [{ title: 'Lesson One' }];

const NAMESPACES = {
  '1.2': {
    cp: 'http://www.imsproject.org/xsd/imscp_rootv1p1p2',
    adlcp: 'http://www.adlnet.org/xsd/adlcp_rootv1p2',
    scormTypeAttribute: 'scormtype',
  },
  '2004': {
    cp: 'http://www.imsglobal.org/xsd/imscp_v1p1',
    adlcp: 'http://www.adlnet.org/xsd/adlcp_v1p3',
    scormTypeAttribute: 'scormType',
  },
} as const;

/** A valid SCORM 1.2 package (zip bytes) built from the options. */
export function buildScorm12Package(options: ScormPackageOptions = {}): Buffer {
  return buildPackage('1.2', options);
}

/** A valid SCORM 2004 package (zip bytes) built from the options. */
export function buildScorm2004Package(options: ScormPackageOptions = {}): Buffer {
  return buildPackage('2004', options);
}

/** Just the manifest text, for tests that edit it before zipping. */
export function buildScormManifest(family: Family, options: ScormPackageOptions = {}): string {
  return renderManifest(family, options, collectScos(options.scos ?? DEFAULT_SCOS));
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Encodes manifest text as the given encoding, with BOM where that encoding needs one. */
export function encodeManifest(
  xml: string,
  encoding: ScormPackageOptions['manifestEncoding'] = 'utf8',
): Buffer {
  switch (encoding) {
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
    case 'utf16be': {
      const le = Buffer.from(xml, 'utf16le');
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    }
    default:
      return Buffer.from(xml, 'utf8');
  }
}

interface NumberedSco {
  spec: ScoSpec;
  index: number;
  href: string;
}

function buildPackage(family: Family, options: ScormPackageOptions): Buffer {
  const scos = collectScos(options.scos ?? DEFAULT_SCOS);
  const manifest = renderManifest(family, options, scos);
  const folder = options.wrapperFolder ?? '';
  const entries: ZipEntrySpec[] = [
    { name: `${folder}imsmanifest.xml`, data: encodeManifest(manifest, options.manifestEncoding) },
  ];
  const written = new Set<string>();
  for (const { spec, href } of scos) {
    if (written.has(href)) continue;
    written.add(href);
    const body =
      spec.text ?? `<p>${escapeXml(spec.title)} explains one part of this course in plain words.</p>`;
    entries.push({
      name: folder + href,
      data: `<!DOCTYPE html>\n<html><head><title>${escapeXml(spec.title)}</title></head><body>${body}</body></html>`,
    });
  }
  for (const extra of options.extraFiles ?? []) entries.push({ ...extra, name: folder + extra.name });
  return buildZip(entries);
}

/** Numbers SCOs in document order (iteratively, so deep chains are fine). */
function collectScos(specs: ScoSpec[]): NumberedSco[] {
  const result: NumberedSco[] = [];
  const stack = [...specs].reverse();
  while (stack.length > 0) {
    const spec = stack.pop() as ScoSpec;
    const index = result.length + 1;
    result.push({ spec, index, href: spec.href ?? `sco${index}/index.html` });
    for (let i = (spec.children?.length ?? 0) - 1; i >= 0; i--) stack.push((spec.children as ScoSpec[])[i]);
  }
  return result;
}

function renderManifest(family: Family, options: ScormPackageOptions, scos: NumberedSco[]): string {
  const ns = NAMESPACES[family];
  const cpPrefix = options.prefixes?.cp ?? '';
  const adlcp = options.prefixes?.adlcp ?? 'adlcp';
  const el = (name: string) => (cpPrefix ? `${cpPrefix}:${name}` : name);
  const cpDeclaration = cpPrefix ? `xmlns:${cpPrefix}="${ns.cp}"` : `xmlns="${ns.cp}"`;
  const edition = options.edition ?? '3rd';
  const defaultSchemaVersion =
    family === '1.2' ? '1.2' : edition === '2nd' ? 'CAM 1.3' : `2004 ${edition} Edition`;
  const schemaVersion = options.schemaVersion === undefined ? defaultSchemaVersion : options.schemaVersion;

  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<${el('manifest')} identifier="${escapeXml(options.identifier ?? 'com.example.test')}" version="1" ${cpDeclaration} xmlns:${adlcp}="${ns.adlcp}">`,
  );
  lines.push(`<${el('metadata')}>`, `<${el('schema')}>ADL SCORM</${el('schema')}>`);
  if (schemaVersion !== null)
    lines.push(`<${el('schemaversion')}>${escapeXml(schemaVersion)}</${el('schemaversion')}>`);
  if (options.lomTitle !== undefined || options.lomDescription !== undefined)
    lines.push(renderLom(family, options));
  lines.push(`</${el('metadata')}>`);

  lines.push(`<${el('organizations')} default="org1">`, `<${el('organization')} identifier="org1">`);
  lines.push(`<${el('title')}>${escapeXml(options.title ?? 'Test Course')}</${el('title')}>`);
  const depth = options.nestDepth ?? 0;
  for (let level = 1; level <= depth; level++) {
    lines.push(`<${el('item')} identifier="part${level}">`, `<${el('title')}>Part ${level}</${el('title')}>`);
  }
  renderItems(options.scos ?? DEFAULT_SCOS, scos, el, lines);
  for (let level = 1; level <= depth; level++) lines.push(`</${el('item')}>`);
  lines.push(`</${el('organization')}>`, `</${el('organizations')}>`);

  lines.push(`<${el('resources')}>`);
  const written = new Set<string>();
  for (const { index, href } of scos) {
    if (written.has(href)) continue;
    written.add(href);
    lines.push(
      `<${el('resource')} identifier="res${index}" type="webcontent" ${adlcp}:${ns.scormTypeAttribute}="sco" href="${escapeXml(href)}">`,
      `<${el('file')} href="${escapeXml(href)}"/>`,
      `</${el('resource')}>`,
    );
  }
  lines.push(`</${el('resources')}>`, `</${el('manifest')}>`);
  return lines.join('\n');
}

/** Items in document order; a SCO's children are nested inside its item. Iterative for deep chains. */
function renderItems(
  specs: ScoSpec[],
  scos: NumberedSco[],
  el: (name: string) => string,
  lines: string[],
): void {
  const byHref = new Map<ScoSpec, NumberedSco>(scos.map((sco) => [sco.spec, sco]));
  const firstIndexOfHref = new Map<string, number>();
  for (const sco of scos) if (!firstIndexOfHref.has(sco.href)) firstIndexOfHref.set(sco.href, sco.index);
  type Step = { open: ScoSpec } | { close: true };
  const stack: Step[] = [...specs].reverse().map((spec) => ({ open: spec }));
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ('close' in step) {
      lines.push(`</${el('item')}>`);
      continue;
    }
    const sco = byHref.get(step.open) as NumberedSco;
    const resourceIndex = firstIndexOfHref.get(sco.href);
    lines.push(
      `<${el('item')} identifier="item${sco.index}" identifierref="res${resourceIndex}">`,
      `<${el('title')}>${escapeXml(step.open.title)}</${el('title')}>`,
    );
    stack.push({ close: true });
    const children = step.open.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ open: children[i] });
  }
}

function renderLom(family: Family, options: ScormPackageOptions): string {
  const lang = (text: string) =>
    family === '1.2'
      ? `<imsmd:langstring xml:lang="en">${escapeXml(text)}</imsmd:langstring>`
      : `<string language="en">${escapeXml(text)}</string>`;
  const tag = (name: string) => (family === '1.2' ? `imsmd:${name}` : name);
  const parts: string[] = [];
  if (options.lomTitle !== undefined)
    parts.push(`<${tag('title')}>${lang(options.lomTitle)}</${tag('title')}>`);
  if (options.lomDescription !== undefined) {
    parts.push(`<${tag('description')}>${lang(options.lomDescription)}</${tag('description')}>`);
  }
  const open =
    family === '1.2'
      ? '<imsmd:lom xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1">'
      : '<lom xmlns="http://ltsc.ieee.org/xsd/LOM">';
  return `${open}<${tag('general')}>${parts.join('')}</${tag('general')}></${tag('lom')}>`;
}
