import { checkArchive } from './archive-checks';
import { descriptionSourceHash } from './description-source-hash';
import { buildContentSample } from './content-sample';
import { titleFromFilename } from './filename-title';
import { findLom, type LomSummary, readLom } from '../manifest/lom-metadata';
import type { ManifestOrganization, ManifestResource, ScormManifest } from '../manifest/manifest-model';
import { locateManifest } from '../manifest/manifest-locator';
import { parseManifest } from '../manifest/manifest-parser';
import { inlineMetadataProblems } from '../manifest/metadata-conformance';
import { childElements, textOf, walkElements } from '../xml/xml-elements';
import type { XmlElement } from '../xml/xml-reader';
import { PackageError } from '../package-error';
import type { PackageFacts } from './package-facts';
import { type PackageLimits, resolveLimits } from '../package-limits';
import { resolveHref } from '../manifest/package-paths';
import { cleanTitle, normalizeText } from '../plain-text';
import { decodeXmlBytes, parseXmlSafely } from '../xml/safe-xml-parser';
import { formatBytes, withZipArchive, type ZipArchive, type ZipEntryInfo } from '../zip/zip-archive';

export interface InspectPackageOptions {
  /** The name the user uploaded, used for a fallback title. */
  filename: string;
  limits?: Partial<PackageLimits>;
}

/** How many missing files a warning names before it just counts. */
const MISSING_FILES_NAMED = 5;

/**
 * Reads an uploaded zip and returns its facts. Every problem with the upload itself is a
 * PackageError with a user-facing message; only server faults (e.g. a missing file) escape as-is.
 */
export async function inspectPackage(zipPath: string, options: InspectPackageOptions): Promise<PackageFacts> {
  const limits = resolveLimits(options.limits);
  try {
    return await withZipArchive(zipPath, { maxEntries: limits.maxEntries }, (archive) =>
      inspectArchive(archive, options.filename, limits),
    );
  } catch (error) {
    throw asPackageError(error);
  }
}

async function inspectArchive(
  archive: ZipArchive,
  filename: string,
  limits: PackageLimits,
): Promise<PackageFacts> {
  const totals = checkArchive(archive.entries, limits);
  const location = locateManifest(archive.entries);
  const warnings = [...location.warnings, ...totals.warnings];

  if (location.entry.uncompressedSize > limits.maxManifestBytes) {
    throw new PackageError(
      `The manifest is ${formatBytes(location.entry.uncompressedSize)}; at most ${formatBytes(limits.maxManifestBytes)} are allowed.`,
    );
  }
  const manifestBytes = await archive.readEntry(location.entry, limits.maxManifestBytes);
  const manifest = parseManifest(manifestBytes);
  if (manifest.versionGuessed) {
    warnings.push(
      `The manifest does not say which SCORM version it uses; it was read as SCORM ${manifest.scormVersion}.`,
    );
  }

  const manifestRoot = parseXmlSafely(decodeXmlBytes(manifestBytes), 'The manifest (imsmanifest.xml)');
  const metadataProblems = inlineMetadataProblems(manifestRoot, manifest.scormFamily);
  if (metadataProblems.length > 0) {
    // An LMS that validates would reject the package; a merge moves such metadata into files.
    warnings.push(
      `Some inline metadata does not follow the SCORM ${manifest.scormFamily} schemas (${metadataProblems.slice(0, 3).join('; ')}); a merge moves it into a file so the merged course still validates.`,
    );
  }

  const files = new Map<string, ZipEntryInfo>();
  for (const entry of archive.entries) if (!entry.isDirectory) files.set(entry.name, entry);
  const findEntry = (base: string, href: string): ZipEntryInfo | null => {
    const resolved = resolveHref(location.rootFolder, base, href);
    if (resolved.kind !== 'entry') return null;
    for (const candidate of resolved.candidates) {
      const entry = files.get(candidate);
      if (entry) return entry;
    }
    return null;
  };

  const missingMetadata = metadataLocations(manifestRoot).filter((href) => {
    // The manifest's own metadata file has its own warning (readExternalLom).
    if (href === manifest.metadataLocation) return false;
    const resolved = resolveHref(location.rootFolder, '', href);
    return resolved.kind === 'entry' && !resolved.candidates.some((candidate) => files.has(candidate));
  });
  if (missingMetadata.length > 0) {
    warnings.push(
      `The manifest names metadata files that are not in the zip: ${nameSome(missingMetadata)}; a merge leaves them out.`,
    );
  }

  const resources = indexResources(manifest, warnings);
  const organization = chooseOrganization(manifest, warnings);
  warnings.push(...checkReferences(manifest, resources));
  warnings.push(...checkListedFiles(manifest, location.rootFolder, files));

  const lom = mergeLom(
    manifest.lom,
    await readExternalLom(archive, manifest, location.rootFolder, files, limits, warnings),
  );

  const items = organization?.items ?? [];
  const scoItems = items.filter(
    (item) => item.identifierref && resources.get(item.identifierref)?.scormType === 'sco',
  );
  const launchPages: ZipEntryInfo[] = [];
  for (const item of scoItems) {
    const resource = resources.get(item.identifierref as string) as ManifestResource;
    const page = resource.href ? findEntry(resource.base, resource.href) : null;
    if (page) launchPages.push(page);
  }
  const outlineItems = items.filter((item) => item.title !== '');

  const contentSample = await buildContentSample(archive, launchPages, limits.contentSampleChars);
  return {
    title: cleanTitle(lom.title ?? '') || organization?.title || titleFromFilename(filename),
    scormVersion: manifest.scormVersion,
    scormFamily: manifest.scormFamily,
    schemaVersion: manifest.schemaVersion,
    manifestIdentifier: manifest.identifier,
    rootFolder: location.rootFolder,
    scoCount: scoItems.length,
    lomDescription: lom.description ? normalizeText(lom.description) || null : null,
    outline: outlineItems.map((item) => item.title),
    outlineLevels: outlineItems.map((item) => item.depth),
    warnings,
    contentSample,
    contentHash: descriptionSourceHash(manifestBytes, contentSample),
    entryCount: archive.entries.length,
    uncompressedBytes: totals.uncompressedBytes,
  };
}

/** Every distinct adlcp:location named in any `<metadata>` of the manifest. */
function metadataLocations(root: XmlElement): string[] {
  const found = new Set<string>();
  walkElements(root, (el) => {
    if (el.localName !== 'metadata') return true;
    for (const child of childElements(el)) {
      const href =
        child.localName === 'location' && /adlcp/i.test(child.namespaceURI ?? '') ? textOf(child).trim() : '';
      if (href) found.add(href);
    }
    return false;
  });
  return [...found];
}

function indexResources(manifest: ScormManifest, warnings: string[]): Map<string, ManifestResource> {
  const resources = new Map<string, ManifestResource>();
  for (const resource of manifest.resources) {
    if (!resource.identifier) continue;
    if (resources.has(resource.identifier)) {
      warnings.push(
        `The resource identifier "${resource.identifier}" is used more than once; the first one is used.`,
      );
      continue;
    }
    resources.set(resource.identifier, resource);
  }
  return resources;
}

/** The default organization; the first one when the default names none (a common authoring slip). */
function chooseOrganization(manifest: ScormManifest, warnings: string[]): ManifestOrganization | null {
  const [first] = manifest.organizations;
  if (!first) {
    warnings.push('The manifest has no organization, so the package has no course structure to launch.');
    return null;
  }
  const id = manifest.defaultOrganizationId;
  if (!id) return first;
  const chosen = manifest.organizations.find((organization) => organization.identifier === id);
  if (chosen) return chosen;
  warnings.push(
    `The default organization "${id}" does not exist; the first organization "${first.identifier}" is used instead.`,
  );
  return first;
}

function checkReferences(manifest: ScormManifest, resources: Map<string, ManifestResource>): string[] {
  const warnings: string[] = [];
  for (const organization of manifest.organizations) {
    for (const item of organization.items) {
      if (item.identifierref && !resources.has(item.identifierref)) {
        warnings.push(
          `The item "${item.identifier}" refers to the resource "${item.identifierref}", which does not exist.`,
        );
      }
    }
  }
  for (const resource of manifest.resources) {
    for (const dependency of resource.dependencies) {
      if (!resources.has(dependency)) {
        warnings.push(
          `The resource "${resource.identifier}" depends on the resource "${dependency}", which does not exist.`,
        );
      }
    }
  }
  return warnings;
}

/** Every resource href and file href must be in the zip (external URLs aside). */
function checkListedFiles(
  manifest: ScormManifest,
  rootFolder: string,
  files: Map<string, ZipEntryInfo>,
): string[] {
  const missing = new Set<string>();
  const outside = new Set<string>();
  for (const resource of manifest.resources) {
    const hrefs = resource.href ? [resource.href, ...resource.files] : resource.files;
    for (const href of hrefs) {
      const resolved = resolveHref(rootFolder, resource.base, href);
      if (resolved.kind === 'outside') outside.add(href);
      if (resolved.kind !== 'entry') continue;
      if (!resolved.candidates.some((candidate) => files.has(candidate))) {
        missing.add(resolved.path.slice(rootFolder.length));
      }
    }
  }
  const warnings: string[] = [];
  if (missing.size > 0) {
    warnings.push(
      `The manifest lists ${missing.size === 1 ? 'a file that is' : `${missing.size} files that are`} not in the zip: ${nameSome([...missing])}.`,
    );
  }
  if (outside.size > 0) {
    warnings.push(
      `The manifest refers to files outside the package, which are ignored: ${nameSome([...outside])}.`,
    );
  }
  return warnings;
}

async function readExternalLom(
  archive: ZipArchive,
  manifest: ScormManifest,
  rootFolder: string,
  files: Map<string, ZipEntryInfo>,
  limits: PackageLimits,
  warnings: string[],
): Promise<LomSummary | null> {
  const location = manifest.metadataLocation;
  if (!location) return null;
  const resolved = resolveHref(rootFolder, '', location);
  if (resolved.kind !== 'entry') return null;
  const entry = resolved.candidates.map((candidate) => files.get(candidate)).find(Boolean);
  if (!entry) {
    warnings.push(`The metadata file "${location}" named in the manifest is not in the zip.`);
    return null;
  }
  const what = `The metadata file "${location}"`;
  try {
    if (entry.uncompressedSize > limits.maxManifestBytes) {
      throw new PackageError(`${what} is larger than the ${formatBytes(limits.maxManifestBytes)} allowed.`);
    }
    const root = parseXmlSafely(
      decodeXmlBytes(await archive.readEntry(entry, limits.maxManifestBytes)),
      what,
    );
    const lom = findLom(root);
    return lom ? readLom(lom) : null;
  } catch (error) {
    // Metadata is optional: a bad metadata file costs the title, not the package.
    if (!(error instanceof PackageError)) throw error;
    warnings.push(`${error.message.replace(/\.$/, '')}; its metadata was ignored.`);
    return null;
  }
}

function mergeLom(inline: LomSummary | null, external: LomSummary | null): LomSummary {
  return {
    title: inline?.title || external?.title || null,
    description: inline?.description || external?.description || null,
  };
}

function nameSome(names: string[]): string {
  const quoted = names.slice(0, MISSING_FILES_NAMED).map((name) => `"${name}"`);
  const rest = names.length - quoted.length;
  return rest > 0 ? `${quoted.join(', ')} and ${rest} more` : quoted.join(', ');
}

/** Bad input must only ever surface as a PackageError; server faults (missing file, EACCES) stay as they are. */
function asPackageError(error: unknown): unknown {
  if (error instanceof PackageError) return error;
  if (typeof error === 'object' && error !== null && 'syscall' in error) return error;
  return new PackageError('The package could not be read; it may be damaged.', { cause: error });
}
