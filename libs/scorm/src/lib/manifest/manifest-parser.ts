import { readLom } from './lom-metadata';
import type { ManifestItem, ManifestOrganization, ManifestResource, ScormManifest } from './manifest-model';
import { PackageError } from '../package-error';
import { cleanTitle, normalizeText } from '../plain-text';
import { decodeXmlBytes, parseXmlSafely } from '../xml/safe-xml-parser';
import { detectScormVersion, scanMarkup } from './scorm-version';
import { attributeValue, childrenNamed, firstChildNamed, textOf, xmlBase } from '../xml/xml-elements';
import type { XmlElement } from '../xml/xml-reader';

export const MANIFEST_NAME = 'imsmanifest.xml';
const MANIFEST_WHAT = 'The manifest (imsmanifest.xml)';

/** Content Packaging elements: the 1.2 or 2004 CP namespace, any other imscp flavour, or none at all. */
const isCp = (namespace: string | null): boolean => !namespace || /imscp/i.test(namespace);
/** adlcp:location lives in the adlcp namespace; tolerate it without one. */
const isAdlcp = (namespace: string | null): boolean => !namespace || /adlcp/i.test(namespace);

/** Parses imsmanifest.xml bytes (any supported encoding) into the manifest model. */
export function parseManifest(bytes: Buffer): ScormManifest {
  const root = parseXmlSafely(decodeXmlBytes(bytes), MANIFEST_WHAT);
  if (root.localName !== 'manifest') {
    throw new PackageError(
      `${MANIFEST_WHAT} has <${root.tagName}> as its root element instead of <manifest>.`,
    );
  }
  // First, so that absurd nesting is refused before anything else walks the tree.
  const scan = scanMarkup(root);

  const metadata = firstChildNamed(root, 'metadata', isCp);
  const schemaVersionElement = metadata ? firstChildNamed(metadata, 'schemaversion', isCp) : null;
  const schemaVersion = schemaVersionElement ? normalizeText(textOf(schemaVersionElement)) : null;
  const locationElement = metadata ? firstChildNamed(metadata, 'location', isAdlcp) : null;
  const metadataLocation = locationElement ? normalizeText(textOf(locationElement)) || null : null;
  const lomElement = metadata ? firstChildNamed(metadata, 'lom') : null;
  const version = detectScormVersion(schemaVersion, scan);

  const organizationsElement = firstChildNamed(root, 'organizations', isCp);
  const defaultOrganizationId = organizationsElement
    ? normalizeText(organizationsElement.getAttribute('default') ?? '') || null
    : null;
  const organizations = organizationsElement
    ? childrenNamed(organizationsElement, 'organization', isCp).map(readOrganization)
    : [];

  const manifestBase = joinBase('', xmlBase(root));
  const resourcesElement = firstChildNamed(root, 'resources', isCp);
  const resourcesBase = joinBase(manifestBase, resourcesElement ? xmlBase(resourcesElement) : '');
  const resources = resourcesElement
    ? childrenNamed(resourcesElement, 'resource', isCp).map((el) => readResource(el, resourcesBase))
    : [];

  return {
    identifier: normalizeText(root.getAttribute('identifier') ?? ''),
    schemaVersion,
    scormVersion: version.scormVersion,
    scormFamily: version.scormFamily,
    versionGuessed: version.guessed,
    defaultOrganizationId,
    organizations,
    resources,
    metadataLocation,
    lom: lomElement ? readLom(lomElement) : null,
  };
}

function readOrganization(organization: XmlElement): ManifestOrganization {
  const titleElement = firstChildNamed(organization, 'title', isCp);
  return {
    identifier: normalizeText(organization.getAttribute('identifier') ?? ''),
    title: titleElement ? cleanTitle(textOf(titleElement)) : '',
    items: readItems(organization),
  };
}

/** Items flattened in document order, iteratively: courses nest hundreds deep. */
function readItems(organization: XmlElement): ManifestItem[] {
  const items: ManifestItem[] = [];
  const stack: Array<[XmlElement, number, string | null]> = childrenNamed(organization, 'item', isCp)
    .reverse()
    .map((item) => [item, 0, null]);
  while (stack.length > 0) {
    const [item, depth, parentIdentifier] = stack.pop() as [XmlElement, number, string | null];
    const titleElement = firstChildNamed(item, 'title', isCp);
    const prerequisitesElement = firstChildNamed(item, 'prerequisites', isAdlcp);
    const identifier = normalizeText(item.getAttribute('identifier') ?? '');
    items.push({
      identifier,
      identifierref: normalizeText(item.getAttribute('identifierref') ?? '') || null,
      title: titleElement ? cleanTitle(textOf(titleElement)) : '',
      depth,
      parentIdentifier,
      parameters: item.getAttribute('parameters') || null,
      isVisible: (item.getAttribute('isvisible') ?? '').trim().toLowerCase() !== 'false',
      prerequisites: prerequisitesElement ? normalizeText(textOf(prerequisitesElement)) || null : null,
    });
    const children = childrenNamed(item, 'item', isCp);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1, identifier]);
  }
  return items;
}

function readResource(resource: XmlElement, resourcesBase: string): ManifestResource {
  const scormType = attributeValue(resource, 'scormtype', true);
  return {
    identifier: normalizeText(resource.getAttribute('identifier') ?? ''),
    scormType: scormType ? scormType.trim().toLowerCase() : null,
    href: resource.getAttribute('href') || null,
    base: joinBase(resourcesBase, xmlBase(resource)),
    files: childrenNamed(resource, 'file', isCp)
      .map((file) => file.getAttribute('href') ?? '')
      .filter((href) => href.trim() !== ''),
    dependencies: childrenNamed(resource, 'dependency', isCp)
      .map((dependency) => normalizeText(dependency.getAttribute('identifierref') ?? ''))
      .filter((ref) => ref !== ''),
  };
}

/** Appends an xml:base; authors forget its trailing slash, but always mean a folder. */
function joinBase(outer: string, inner: string): string {
  const trimmed = inner.trim();
  if (!trimmed) return outer;
  return outer + (trimmed.endsWith('/') ? trimmed : `${trimmed}/`);
}
