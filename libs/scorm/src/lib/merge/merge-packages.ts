import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { locateManifest } from '../manifest/manifest-locator';
import { parseManifest } from '../manifest/manifest-parser';
import { PackageError } from '../package-error';
import { type PackageLimits, resolveLimits } from '../package-limits';
import { cleanTitle, normalizeText } from '../plain-text';
import { decodeXmlBytes, parseXmlSafely } from '../xml/safe-xml-parser';
import type { ScormFamily } from '../manifest/scorm-version';
import type { XmlElement } from '../xml/xml-reader';
import { childElements, textOf } from '../xml/xml-elements';
import { findLom, readLomLanguage } from '../manifest/lom-metadata';
import { openZipArchive, type ZipArchive, type ZipEntryInfo } from '../zip/zip-archive';
import { MENU_ITEM_TITLE, renderCourseMenu } from './course-menu-page';
import { FileSink } from '../zip/file-sink';
import { buildMergedManifest, type MenuEntry } from './manifest-builder';
import {
  ADAPTER_PAGE,
  convertPackage,
  IdentifierRegistry,
  MAX_SCORM12_TITLE_CHARS,
  NamespaceTable,
  SUPPORT_FOLDER,
  toNcName,
  type ConvertedPackage,
} from './package-converter';
import {
  MergeError,
  type MergedModule,
  type MergedScormVersion,
  type MergeHooks,
  type MergeInput,
  type MergeOptions,
  type MergeResult,
} from './merge-types';
import { identifierPrefix, moduleFolders, sanitizeEntryPath } from './module-folders';
import { fitModuleSequencing } from './module-sequencing';
import { getAttribute } from '../xml/xml-tree';
import { ProgressReporter } from './progress-reporter';
import { renderScorm12Adapter } from './scorm12-adapter-page';
import { SCORM12_SCHEMA_FILES, SCORM2004_4TH_SCHEMA_FILES } from './schemas/schema-files.generated';
import { ZipWriter, type ZipWriterOptions } from '../zip/zip-writer';

export const MENU_PAGE = `${SUPPORT_FOLDER}course-menu.html`;

/** An entry of an input package, as it will be copied. */
interface PlannedEntry {
  sourceName: string;
  outputName: string;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

interface ReadPackage {
  input: MergeInput;
  label: string;
  family: ScormFamily;
  root: XmlElement;
  folder: string;
  prefix: string;
  entries: PlannedEntry[];
  /** The manifest-level LOM's language (BCP 47 as written), for `lang` in the course menu. */
  language: string | null;
}

/** Internal knobs for tests; not part of the public API. */
export interface MergeInternals {
  zip?: ZipWriterOptions;
}

/**
 * Merges SCORM packages into one standards-correct package at `outputPath`.
 *
 * - All inputs SCORM 1.2 → a SCORM 1.2 manifest; otherwise SCORM 2004 4th Edition, with 1.2 SCOs
 *   launched through a generated adapter page.
 * - One organization with one aggregation item per input, in input order, each holding that
 *   package's item tree; every identifier is prefixed per package and every reference rewritten.
 * - Each package's files go to their own folder (`01-golf-explained/`), copied byte for byte:
 *   stored (compressed) data is copied raw, never inflated or recompressed.
 * - The zip is streamed to `${outputPath}.part` and renamed on success; on any failure or abort
 *   the partial file is removed and a MergeError with a user-facing message is thrown.
 */
export async function mergePackages(
  inputs: readonly MergeInput[],
  outputPath: string,
  options: MergeOptions,
  hooks: MergeHooks = {},
  internals: MergeInternals = {},
): Promise<MergeResult> {
  if (inputs.length === 0)
    throw new MergeError('There are no packages to merge; add at least one.', 'NO_INPUT');
  const progress = new ProgressReporter(hooks.onProgress);
  const signal = hooks.signal;
  const warnings: string[] = [];
  const courseTitle = cleanTitle(options.title) || 'Merged course';
  const includeMenu = options.includeMenu ?? true;
  const limits = resolveLimits(options.limits);
  const identifier = toNcName(options.identifier?.trim() || `scorm-merge-${randomUUID()}`);

  // 1. Read every manifest (small) and plan every entry; nothing is copied yet.
  const folders = moduleFolders(
    inputs.map((input) => ({ title: cleanTitle(input.title), filename: input.filename })),
  );
  const packages: ReadPackage[] = [];
  for (let index = 0; index < inputs.length; index++) {
    throwIfAborted(signal);
    progress.report(`Reading package ${index + 1} of ${inputs.length}`, (5 * index) / inputs.length);
    packages.push(
      await readPackage(
        inputs[index],
        index,
        folders[index],
        identifierPrefix(index, inputs.length),
        warnings,
        limits,
      ),
    );
  }

  // 2. Build the merged manifest.
  const family: ScormFamily = packages.every((pkg) => pkg.family === '1.2') ? '1.2' : '2004';
  const ns = new NamespaceTable(family);
  const ids = new IdentifierRegistry();
  const organizationId = ids.claim('merge_organization');
  const rootItemId = ids.claim('merge_root');
  const menuItemId = ids.claim('merge_menu');
  const menuResourceId = ids.claim('merge_menu_resource');
  const adapterResourceId = ids.claim('merge_scorm12_adapter');
  const converted: ConvertedPackage[] = packages.map((pkg) =>
    convertPackage(
      {
        title: pkg.input.title,
        folder: pkg.folder,
        prefix: pkg.prefix,
        family: pkg.family,
        root: pkg.root,
        label: pkg.label,
        files: new Set(pkg.entries.map((entry) => entry.outputName)),
      },
      { ns, ids, adapterResourceId, warnings },
    ),
  );
  if (family === '2004') {
    converted.forEach((pkg, index) => {
      warnings.push(...fitModuleSequencing(pkg.wrapper, pkg.sequencingCollection, packages[index].label));
      // The module now flows down to a SCO, so the menu chooses the module itself (SB.2.9): a
      // package whose root forbids choice among its children still opens from the menu.
      pkg.menuTarget = getAttribute(pkg.wrapper, 'identifier') as string;
    });
  }
  const adapterLaunches = new Map<string, string>();
  for (const pkg of converted) for (const [id, href] of pkg.adapterLaunches) adapterLaunches.set(id, href);
  const menu: MenuEntry | null = includeMenu
    ? { itemId: menuItemId, resourceId: menuResourceId, href: MENU_PAGE, title: MENU_ITEM_TITLE }
    : null;
  // As the manifest says them: SCORM 1.2 titles stop at 200 characters.
  const titleChars = family === '1.2' ? MAX_SCORM12_TITLE_CHARS : undefined;
  const moduleTitles = packages.map((pkg) => cleanTitle(pkg.input.title, titleChars) || 'Module');
  const description =
    normalizeText(options.description ?? '') ||
    `A course of ${packages.length} module${packages.length === 1 ? '' : 's'}: ${moduleTitles.join('; ')}.`;
  const manifest = buildMergedManifest({
    ns,
    identifier,
    organizationId,
    rootItemId,
    title: courseTitle,
    description: cleanTitle(description, 2000),
    menu,
    adapter: adapterLaunches.size > 0 ? { resourceId: adapterResourceId, href: ADAPTER_PAGE } : null,
    packages: converted,
  });

  const generated: Array<{ name: string; data: Buffer }> = [
    { name: 'imsmanifest.xml', data: Buffer.from(manifest, 'utf8') },
  ];
  for (const schema of family === '1.2' ? SCORM12_SCHEMA_FILES : SCORM2004_4TH_SCHEMA_FILES) {
    generated.push({ name: schema.name, data: Buffer.from(schema.text, 'latin1') });
  }
  if (menu) {
    const page = renderCourseMenu({
      family,
      courseTitle,
      modules: packages.map((pkg, index) => ({
        title: moduleTitles[index],
        description: normalizeText(pkg.input.description ?? ''),
        target: converted[index].menuTarget,
        language: pkg.language,
        filename: pkg.input.filename ? cleanTitle(pkg.input.filename, 120) : undefined,
      })),
    });
    generated.push({ name: MENU_PAGE, data: Buffer.from(page, 'utf8') });
  }
  if (adapterLaunches.size > 0) {
    generated.push({ name: ADAPTER_PAGE, data: Buffer.from(renderScorm12Adapter(adapterLaunches), 'utf8') });
  }
  for (const pkg of converted) generated.push(...pkg.generatedFiles);

  // 3. Stream the zip.
  const partPath = `${outputPath}.part`;
  let sink: FileSink;
  try {
    sink = await FileSink.create(partPath);
  } catch (error) {
    throw writeError(error);
  }
  let sizeBytes = 0;
  let entryCount = 0;
  try {
    const writer = new ZipWriter(sink, internals.zip);
    const now = new Date();
    progress.report('Writing the course manifest', 5);
    for (const file of generated) await writer.addBuffer(file.name, file.data, now);

    const totalBytes = packages.reduce(
      (sum, pkg) => sum + pkg.entries.reduce((s, e) => s + e.compressedSize, 0),
      0,
    );
    let copiedBytes = 0;
    for (let index = 0; index < packages.length; index++) {
      const pkg = packages[index];
      const step = `Copying “${moduleTitles[index]}” (${index + 1} of ${packages.length})`;
      progress.report(step, 5 + (90 * copiedBytes) / Math.max(1, totalBytes));
      await copyPackage(pkg, writer, limits, signal, (count) => {
        copiedBytes += count;
        progress.report(step, 5 + (90 * copiedBytes) / Math.max(1, totalBytes));
      });
    }
    throwIfAborted(signal);
    progress.report('Finishing the zip', 96);
    sizeBytes = await writer.finish();
    entryCount = writer.entryCount;
    await sink.close();
  } catch (error) {
    await sink.abandon();
    await rm(partPath, { force: true }).catch(() => undefined);
    throw error instanceof MergeError ? error : writeError(error);
  }
  try {
    await rename(partPath, outputPath);
  } catch (error) {
    await rm(partPath, { force: true }).catch(() => undefined);
    throw writeError(error);
  }
  progress.report('Done', 100);

  const modules: MergedModule[] = packages.map((pkg, index) => ({
    folder: pkg.folder,
    identifier: converted[index].wrapper.attributes.find(([key]) => key === 'identifier')?.[1] ?? '',
    title: moduleTitles[index],
    scoCount: converted[index].scoItems.length,
    items: converted[index].scoItems.map((item) => item.title),
  }));
  const scormVersion: MergedScormVersion = family === '1.2' ? '1.2' : '2004 4th Edition';
  return {
    outputPath,
    sizeBytes,
    scormVersion,
    identifier,
    scoCount: modules.reduce((sum, module) => sum + module.scoCount, 0) + (menu ? 1 : 0),
    hasMenu: menu !== null,
    modules,
    entryCount,
    warnings,
  };
}

async function readPackage(
  input: MergeInput,
  index: number,
  folder: string,
  prefix: string,
  warnings: string[],
  limits: PackageLimits,
): Promise<ReadPackage> {
  const label = describeInput(input, index);
  await stat(input.zipPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
      throw new MergeError(
        `The package file for ${label} is missing on the server; remove the package and upload it again.`,
        'PACKAGE_MISSING',
        { cause: error },
      );
    }
    throw new MergeError(
      `The package file for ${label} cannot be read (${error.code ?? 'error'}).`,
      'PACKAGE_MISSING',
      {
        cause: error,
      },
    );
  });
  let archive: ZipArchive | null = null;
  try {
    archive = await openZipArchive(input.zipPath, { maxEntries: limits.maxEntries });
    const location = locateManifest(archive.entries);
    const bytes = await archive.readEntry(location.entry, limits.maxManifestBytes);
    const facts = parseManifest(bytes);
    const root = parseXmlSafely(decodeXmlBytes(bytes), 'The manifest (imsmanifest.xml)');
    const entries = planEntries(
      archive.entries,
      location.rootFolder,
      location.entry,
      folder,
      label,
      warnings,
    );
    return {
      input,
      label,
      family: facts.scormFamily,
      root,
      folder,
      prefix,
      entries,
      language: await manifestLanguage(root, archive, location.rootFolder, limits),
    };
  } catch (error) {
    if (error instanceof MergeError) throw error;
    if (error instanceof PackageError) {
      throw new MergeError(`The package ${label} cannot be merged: ${error.message}`, 'PACKAGE_INVALID', {
        cause: error,
      });
    }
    throw new MergeError(`The package ${label} could not be read; it may be damaged.`, 'PACKAGE_INVALID', {
      cause: error,
    });
  } finally {
    await archive?.close();
  }
}

/** The language of the package's manifest-level LOM, inline or in its adlcp:location file. */
async function manifestLanguage(
  root: XmlElement,
  archive: ZipArchive,
  rootFolder: string,
  limits: PackageLimits,
): Promise<string | null> {
  const metadata = childElements(root).find((el) => el.localName === 'metadata');
  if (!metadata) return null;
  const inline = findLom(metadata);
  if (inline) return readLomLanguage(inline);
  const location = childElements(metadata).find((el) => el.localName === 'location');
  const path = location ? sanitizeEntryPath(textOf(location).trim()) : null;
  const entry = path ? archive.entries.find((candidate) => candidate.name === rootFolder + path) : undefined;
  if (!entry || entry.uncompressedSize > limits.maxManifestBytes) return null;
  try {
    const file = parseXmlSafely(
      decodeXmlBytes(await archive.readEntry(entry, limits.maxManifestBytes)),
      'A metadata file',
    );
    const lom = findLom(file);
    return lom ? readLomLanguage(lom) : null;
  } catch {
    // Metadata only adds a `lang`; an unreadable file costs nothing else.
    return null;
  }
}

/** The entries a package contributes: everything under its root folder but its manifest, made safe. */
function planEntries(
  entries: readonly ZipEntryInfo[],
  rootFolder: string,
  manifest: ZipEntryInfo,
  folder: string,
  label: string,
  warnings: string[],
): PlannedEntry[] {
  const planned: PlannedEntry[] = [];
  const seen = new Set<string>();
  let outside = 0;
  let unsafe = 0;
  for (const entry of entries) {
    if (entry.isDirectory || entry === manifest) continue;
    if (entry.name.startsWith('__MACOSX/') || /(^|\/)\.DS_Store$/.test(entry.name)) continue;
    if (entry.encrypted) {
      throw new MergeError(
        `The package ${label} contains encrypted files, which cannot be merged.`,
        'PACKAGE_INVALID',
      );
    }
    if (!entry.name.startsWith(rootFolder)) {
      outside++;
      continue;
    }
    const relative = sanitizeEntryPath(entry.name.slice(rootFolder.length));
    const outputName = relative === null ? null : folder + relative;
    if (outputName === null || seen.has(outputName)) {
      unsafe++;
      continue;
    }
    seen.add(outputName);
    planned.push({
      sourceName: entry.name,
      outputName,
      crc32: entry.crc32,
      compressedSize: entry.compressedSize,
      uncompressedSize: entry.uncompressedSize,
    });
  }
  if (outside > 0) warnings.push(`${label}: ${outside} file(s) outside the package folder were left out.`);
  if (unsafe > 0) warnings.push(`${label}: ${unsafe} file(s) with unsafe or duplicate names were left out.`);
  return planned;
}

async function copyPackage(
  pkg: ReadPackage,
  writer: ZipWriter,
  limits: PackageLimits,
  signal: AbortSignal | undefined,
  onBytes: (count: number) => void,
): Promise<void> {
  let archive: ZipArchive;
  try {
    archive = await openZipArchive(pkg.input.zipPath, { maxEntries: limits.maxEntries });
  } catch (error) {
    throw readFailure(pkg, error);
  }
  try {
    const byName = new Map<string, ZipEntryInfo>();
    for (const entry of archive.entries) byName.set(entry.name, entry);
    for (const planned of pkg.entries) {
      throwIfAborted(signal);
      const entry = byName.get(planned.sourceName);
      if (!entry || entry.crc32 !== planned.crc32 || entry.compressedSize !== planned.compressedSize) {
        throw new MergeError(
          `The package file for ${pkg.label} changed while it was being merged.`,
          'PACKAGE_INVALID',
        );
      }
      await writer.addRaw(
        {
          name: planned.outputName,
          compressionMethod: entry.compressionMethod,
          crc32: entry.crc32,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          lastModified: entry.lastModified,
          data: guardedRead(archive, entry, pkg),
        },
        (count) => {
          throwIfAborted(signal);
          onBytes(count);
        },
      );
    }
  } finally {
    await archive.close();
  }
}

/** The stored bytes of an entry; read failures become a MergeError naming the package. */
async function* guardedRead(
  archive: ZipArchive,
  entry: ZipEntryInfo,
  pkg: ReadPackage,
): AsyncGenerator<Buffer> {
  let stream;
  try {
    stream = await archive.openEntryStream(entry, { raw: true });
  } catch (error) {
    throw readFailure(pkg, error);
  }
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw readFailure(pkg, error);
  } finally {
    stream.destroy();
  }
}

function readFailure(pkg: ReadPackage, error: unknown): MergeError {
  if (error instanceof MergeError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') {
    return new MergeError(`The package file for ${pkg.label} is missing on the server.`, 'PACKAGE_MISSING', {
      cause: error,
    });
  }
  return new MergeError(`The package ${pkg.label} could not be read; it may be damaged.`, 'PACKAGE_INVALID', {
    cause: error,
  });
}

function writeError(error: unknown): MergeError {
  if (error instanceof MergeError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new MergeError('The merged package could not be written: the disk is full.', 'WRITE_FAILED', {
      cause: error,
    });
  }
  return new MergeError(
    `The merged package could not be written${code ? ` (${code})` : ''}.`,
    'WRITE_FAILED',
    { cause: error },
  );
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new MergeError('The merge was cancelled.', 'CANCELLED');
}

function describeInput(input: MergeInput, index: number): string {
  const title = cleanTitle(input.title, 80);
  const file = input.filename ? cleanTitle(input.filename, 80) : '';
  const name = title ? `“${title}”` : file ? `“${file}”` : '';
  return `${name ? `${name} ` : ''}(position ${index + 1}${file && title ? `, file “${file}”` : ''})`;
}
