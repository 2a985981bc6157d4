import { locateManifest } from '../manifest/manifest-locator';
import type { ManifestItem, ManifestResource, ScormManifest } from '../manifest/manifest-model';
import { parseManifest } from '../manifest/manifest-parser';
import { resolveHref } from '../manifest/package-paths';
import type { ScormFamily } from '../manifest/scorm-version';
import { PackageError } from '../package-error';
import { withParameters } from '../sequencing/activity-tree';
import { decodeXmlBytes } from '../xml/safe-xml-parser';
import type { ZipArchive } from '../zip/zip-archive';
import { formatBytes } from '../zip/zip-errors';

/** Where an item launches: a file of the package (with its query) or an outside http(s) address. */
export type OutlineLaunch =
  | {
      kind: 'entry';
      /** Path below the package's root folder, unencoded. */
      path: string;
      /** The query and fragment as written ("?a=1#top", or ''), parameters included. */
      suffix: string;
    }
  | { kind: 'url'; url: string };

export interface OutlineItem {
  id: string;
  title: string;
  depth: number;
  parentId: string | null;
  /** null for clusters and for items whose resource has no usable href. */
  launch: OutlineLaunch | null;
  scormType: 'sco' | 'asset' | null;
  prerequisites: string | null;
  isVisible: boolean;
}

/** A package's default organization, flattened in document order, ready for a player. */
export interface CourseOutline {
  title: string;
  scormVersion: string;
  family: ScormFamily;
  /** '' or 'folder/': the zip folder every package path is relative to. */
  rootFolder: string;
  items: OutlineItem[];
  /** The manifest's text (for a sequencing engine's settings). */
  manifestXml: string;
}

const WEB_URL = /^https?:\/\//i;

/** Reads the manifest of an open zip and builds its outline; nothing but the manifest is read. */
export async function readCourseOutline(
  archive: ZipArchive,
  maxManifestBytes: number,
): Promise<CourseOutline> {
  const location = locateManifest(archive.entries);
  if (location.entry.uncompressedSize > maxManifestBytes) {
    throw new PackageError(
      `The manifest is ${formatBytes(location.entry.uncompressedSize)}; at most ${formatBytes(maxManifestBytes)} are allowed.`,
    );
  }
  const bytes = await archive.readEntry(location.entry, maxManifestBytes);
  const manifest = parseManifest(bytes);
  const names = new Set(archive.entries.filter((e) => !e.isDirectory).map((e) => e.name));
  return {
    ...courseOutline(manifest, location.rootFolder, names),
    rootFolder: location.rootFolder,
    manifestXml: decodeXmlBytes(bytes),
  };
}

/** The default organization (else the first) as outline items; launch paths are checked against `entryNames`. */
export function courseOutline(
  manifest: ScormManifest,
  rootFolder: string,
  entryNames: ReadonlySet<string>,
): Pick<CourseOutline, 'title' | 'scormVersion' | 'family' | 'items'> {
  const organization =
    manifest.organizations.find((org) => org.identifier === manifest.defaultOrganizationId) ??
    manifest.organizations[0];
  const resources = new Map(manifest.resources.map((resource) => [resource.identifier, resource]));
  const items = (organization?.items ?? []).map((item): OutlineItem => {
    const resource = item.identifierref ? resources.get(item.identifierref) : undefined;
    return {
      id: item.identifier,
      title: item.title || item.identifier,
      depth: item.depth,
      parentId: item.parentIdentifier,
      launch: resource ? launchOf(item, resource, rootFolder, entryNames) : null,
      scormType: resource ? scormTypeOf(resource) : null,
      prerequisites: item.prerequisites,
      isVisible: item.isVisible,
    };
  });
  return {
    title: organization?.title || '',
    scormVersion: manifest.scormVersion,
    family: manifest.scormFamily,
    items,
  };
}

function scormTypeOf(resource: ManifestResource): 'sco' | 'asset' {
  return resource.scormType === 'sco' ? 'sco' : 'asset';
}

function launchOf(
  item: ManifestItem,
  resource: ManifestResource,
  rootFolder: string,
  entryNames: ReadonlySet<string>,
): OutlineLaunch | null {
  if (!resource.href) return null;
  const href = launchHref(resource.href.trim(), item.parameters ?? '');
  const resolved = resolveHref(rootFolder, resource.base, href);
  if (resolved.kind === 'external') {
    // Only web addresses: a javascript: or data: "launch" would run in whatever frames it.
    const url = resource.base && !WEB_URL.test(href) ? resource.base + href : href;
    return WEB_URL.test(url) ? { kind: 'url', url } : null;
  }
  if (resolved.kind === 'outside') return null;
  const found = resolved.candidates.find((name) => entryNames.has(name));
  if (!found) return null;
  return { kind: 'entry', path: found.slice(rootFolder.length), suffix: href.replace(/^[^?#]*/, '') };
}

/**
 * The href with the item's parameters: a fragment in them replaces the href's, a query joins the
 * href's own query, before the href's fragment (withParameters appends at the end).
 */
function launchHref(href: string, parameters: string): string {
  const fragmentAt = href.indexOf('#');
  const path = fragmentAt < 0 ? href : href.slice(0, fragmentAt);
  const fragment = fragmentAt < 0 ? '' : href.slice(fragmentAt);
  const text = parameters.trim();
  if (text.startsWith('#')) return path + text;
  return withParameters(path, text.replace(/^&+/, '')) + fragment;
}
