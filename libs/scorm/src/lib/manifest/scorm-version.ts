import { PackageError } from '../package-error';
import { attributeValue, walkElements } from '../xml/xml-elements';
import type { XmlElement } from '../xml/xml-reader';

export type ScormFamily = '1.2' | '2004';

export interface ScormVersion {
  /** Display form: '1.2', '2004 2nd Edition', '2004 3rd Edition', '2004 4th Edition'. */
  scormVersion: string;
  scormFamily: ScormFamily;
  /** True when neither schemaversion nor namespaces said which version this is. */
  guessed: boolean;
}

export const NS = {
  imscp12: 'http://www.imsproject.org/xsd/imscp_rootv1p1p2',
  imscp2004: 'http://www.imsglobal.org/xsd/imscp_v1p1',
  adlcp12: 'http://www.adlnet.org/xsd/adlcp_rootv1p2',
  adlcp2004: 'http://www.adlnet.org/xsd/adlcp_v1p3',
  adlseq: 'http://www.adlnet.org/xsd/adlseq_v1p3',
  adlnav: 'http://www.adlnet.org/xsd/adlnav_v1p3',
  imsss: 'http://www.imsglobal.org/xsd/imsss',
} as const;

const XMLNS = 'http://www.w3.org/2000/xmlns/';

/** Deeper than any real course; a guard against documents built to exhaust us. */
export const MAX_ELEMENT_DEPTH = 5000;

/** What one pass over the whole manifest learns about its markup. */
export interface MarkupScan {
  namespaces: Set<string>;
  /** Markup that only SCORM 2004 4th Edition defines. */
  hasFourthEditionMarkup: boolean;
}

/** One iterative pass over every element; also refuses absurd nesting before anything else walks the tree. */
export function scanMarkup(root: XmlElement): MarkupScan {
  const namespaces = new Set<string>();
  let hasFourthEditionMarkup = false;
  walkElements(root, (element, depth) => {
    if (depth > MAX_ELEMENT_DEPTH) {
      throw new PackageError(
        `The manifest nests elements more than ${MAX_ELEMENT_DEPTH} levels deep, which no real course does.`,
      );
    }
    const ns = element.namespaceURI;
    if (ns) namespaces.add(ns);
    if (isFourthEditionElement(element)) hasFourthEditionMarkup = true;
    for (const attribute of element.attributes) {
      // Declarations count too: manifests declare every namespace on the root, used or not.
      if (attribute.namespaceURI === XMLNS) namespaces.add(attribute.value);
      else if (attribute.namespaceURI) namespaces.add(attribute.namespaceURI);
    }
  });
  return { namespaces, hasFourthEditionMarkup };
}

function isFourthEditionElement(element: XmlElement): boolean {
  const ns = element.namespaceURI ?? '';
  const name = element.localName ?? '';
  if (ns === NS.adlcp2004 && (name === 'data' || name === 'map')) return true;
  if (ns === NS.adlseq && name === 'objectives') return true;
  if (name === 'completionThreshold') {
    return (
      attributeValue(element, 'progressWeight') !== null ||
      attributeValue(element, 'minProgressMeasure') !== null
    );
  }
  return attributeValue(element, 'sharedDataGlobalToSystem') !== null;
}

/**
 * Reads the version from schemaversion when it names one, else from the namespaces in use.
 * 'CAM 1.3' is how 2nd-edition manifests spell it.
 */
export function detectScormVersion(schemaVersion: string | null, scan: MarkupScan): ScormVersion {
  const declared = (schemaVersion ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
  if (declared === '1.2') return { scormVersion: '1.2', scormFamily: '1.2', guessed: false };
  if (declared === 'cam 1.3' || declared === '2004 2nd edition') return edition2004('2nd');
  if (declared === '2004 3rd edition') return edition2004('3rd');
  if (declared === '2004 4th edition') return edition2004('4th');

  const uses = (...uris: string[]) => uris.some((uri) => scan.namespaces.has(uri));
  if (uses(NS.adlcp2004, NS.imsss, NS.adlseq, NS.adlnav)) {
    return edition2004(scan.hasFourthEditionMarkup ? '4th' : '3rd');
  }
  if (uses(NS.adlcp12, NS.imscp12)) return { scormVersion: '1.2', scormFamily: '1.2', guessed: false };
  // A bare 2004 CP namespace, or a schemaversion like '2004'/'1.3', still says 2004.
  if (uses(NS.imscp2004) || /^(2004|1\.3)/.test(declared)) {
    return { ...edition2004(scan.hasFourthEditionMarkup ? '4th' : '3rd'), guessed: true };
  }
  return { scormVersion: '1.2', scormFamily: '1.2', guessed: true };
}

function edition2004(edition: '2nd' | '3rd' | '4th'): ScormVersion {
  return { scormVersion: `2004 ${edition} Edition`, scormFamily: '2004', guessed: false };
}
