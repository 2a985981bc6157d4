// Shared expectations for merged packages (used by the built-fixture and corpus specs).
// Test support only: nothing in the library imports this file.
import { inspectPackage } from '../lib/inspection/package-inspector';
import { stripQueryAndFragment } from '../lib/manifest/package-paths';
import type { MergeInput, MergeResult } from '../lib/merge/merge-types';
import { MAX_SCORM12_TITLE_CHARS } from '../lib/merge/package-converter';
import { cleanTitle } from '../lib/plain-text';
import {
  compareCopiedFiles,
  inspectMergedManifest,
  readManifestText,
  readStoredEntries,
  SCO_ITEM_XPATH,
  validateWithXmllint,
  XPATH_CHECKS,
  xmllintAvailable,
  xpathCount,
} from './merged-package-checks';

export interface SoundnessReport {
  xsd: string;
  xpath: Record<string, number>;
  scoItemsIn: number;
  scoItemsOut: number;
  filesCompared: number;
}

/**
 * Everything the issue requires of a merged package: XSD-valid, unique identifiers, resolving
 * references, SCO items out = SCO items in (+ menu), byte-identical files, session order.
 * Throws on the first broken rule (no jest import, so the library build stays jest-free).
 */
export async function expectSoundMerge(
  result: MergeResult,
  inputs: MergeInput[],
  options: { xsdFolder?: { '1.2': string; '2004': string } } = {},
): Promise<SoundnessReport> {
  const manifest = await readManifestText(result.outputPath);
  const family = result.scormVersion === '1.2' ? '1.2' : '2004';
  const report: SoundnessReport = {
    xsd: 'skipped (no xmllint)',
    xpath: {},
    scoItemsIn: 0,
    scoItemsOut: 0,
    filesCompared: 0,
  };

  // XSD, as VALIDATE.md runs it.
  if (xmllintAvailable()) {
    const xsd = validateWithXmllint(manifest, family, options.xsdFolder?.[family]);
    if (!xsd.valid) throw new Error(`The merged manifest does not validate:\n${xsd.output}`);
    report.xsd = 'validates';
    for (const [name, expression] of Object.entries(XPATH_CHECKS)) {
      if (name === 'nonLeafWithRef' && family === '1.2') continue; // a 2004-only rule
      report.xpath[name] = xpathCount(manifest, expression);
    }
    same(report.xpath, Object.fromEntries(Object.keys(report.xpath).map((key) => [key, 0])), 'XPath checks');
  }

  // The same rules in JavaScript.
  const facts = inspectMergedManifest(manifest);
  same(facts.duplicateIds, [], 'duplicate identifiers');
  same(facts.danglingRefs, [], 'dangling references');

  // SCO items out = SCO items in (+ the menu).
  for (const input of inputs) {
    report.scoItemsIn += (
      await inspectPackage(input.zipPath, { filename: input.filename ?? 'package.zip' })
    ).scoCount;
  }
  report.scoItemsOut = facts.scoItems.length;
  same(report.scoItemsOut, report.scoItemsIn + (result.hasMenu ? 1 : 0), 'SCO items out vs in (+ menu)');
  same(result.scoCount, report.scoItemsOut, 'result.scoCount');
  if (xmllintAvailable()) same(xpathCount(manifest, SCO_ITEM_XPATH), report.scoItemsOut, 'SCO items (XPath)');

  // Session order: module items and folders follow the inputs.
  same(
    facts.moduleTitles,
    result.modules.map((module) => module.title),
    'module items in order',
  );
  same(
    result.modules.map((module) => module.title),
    inputs.map((input) => cleanTitle(input.title, family === '1.2' ? MAX_SCORM12_TITLE_CHARS : undefined)),
    'session order',
  );
  const folders = result.modules.map((module) => module.folder);
  same([...folders].sort(), folders, 'folder order');

  // Byte-identical content, and every file the manifest lists is in the zip.
  const stored = await readStoredEntries(result.outputPath);
  for (let i = 0; i < inputs.length; i++) {
    const { compared, problems } = await compareCopiedFiles(
      inputs[i].zipPath,
      stored,
      result.modules[i].folder,
    );
    same(problems, [], `copied files of ${inputs[i].title}`);
    report.filesCompared += compared;
  }
  const missing = facts.fileHrefs
    .map((href) => decodeURIComponent(stripQueryAndFragment(href)))
    .filter((href) => !/^[a-z]+:/i.test(href) && !stored.has(href));
  const inputsMissing = await filesMissingInInputs(inputs);
  if (missing.length > inputsMissing)
    throw new Error(`Listed files missing from the zip: ${missing.join(', ')}`);
  for (const href of facts.resourceHrefs) {
    const path = decodeURIComponent(stripQueryAndFragment(href));
    if (!/^[a-z]+:/i.test(path) && !stored.has(path))
      throw new Error(`A launch page is missing from the zip: ${path}`);
  }
  same(result.entryCount, stored.size, 'entry count');

  // Metadata: every schemaversion is the output's, every title says something, every local
  // adlcp:location names a file of the zip.
  const outputVersion = family === '1.2' ? '1.2' : '2004 4th Edition';
  for (const match of manifest.matchAll(/<schemaversion>([^<]*)<\/schemaversion>/g))
    same(match[1], outputVersion, 'schemaversion');
  if (/<title\/>|<title>\s*<\/title>/.test(manifest)) throw new Error('An item has an empty title.');
  for (const match of manifest.matchAll(/<adlcp:location>([^<]*)<\/adlcp:location>/g)) {
    const location = match[1].trim();
    if (!/^[a-z][a-z0-9+.-]*:/i.test(location) && !stored.has(decodeURIComponent(location)))
      throw new Error(`adlcp:location names a file missing from the zip: ${location}`);
  }
  return report;
}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Files the inputs' own manifests list but do not contain (the merge cannot invent them). */
async function filesMissingInInputs(inputs: MergeInput[]): Promise<number> {
  let missing = 0;
  for (const input of inputs) {
    const facts = await inspectPackage(input.zipPath, { filename: 'package.zip' });
    const warning = facts.warnings.find((w) =>
      /lists (a file that is|\d+ files that are) not in the zip/.test(w),
    );
    if (warning) missing += Number(/lists (\d+) files/.exec(warning)?.[1] ?? 1);
  }
  return missing;
}
