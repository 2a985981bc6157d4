import type { ScormFamily } from './scorm-version';
import { walkElements } from '../xml/xml-elements';
import type { XmlAttribute, XmlElement } from '../xml/xml-reader';

/** The LOM namespace each manifest family's schema set imports. */
export const LOM_NAMESPACES: Record<ScormFamily, string> = {
  '1.2': 'http://www.imsglobal.org/xsd/imsmd_rootv1p2p1',
  '2004': 'http://ltsc.ieee.org/xsd/LOM',
};

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
const isLanguageTag = (text: string): boolean => LANGUAGE_TAG.test(text.trim());
const isWholeNumber = (text: string): boolean => /^\+?\d{1,9}$/.test(text.trim());

/** Text-only element: no child elements, a checked value, only the attributes named here. */
interface TextShape {
  kind: 'text';
  value?: (text: string) => boolean;
  /** `namespace|localName` → value check; '' for no namespace. */
  attributes?: Record<string, (value: string) => boolean>;
}

interface ContainerShape {
  kind: 'container';
  /** SCORM 1.2's imsmd uses sequences (order counts); 2004's LOM uses unbounded choices. */
  ordered: boolean;
  parts: Array<{ name: string; min?: number; max?: number; shape: Shape }>;
}

type Shape = TextShape | ContainerShape;

/**
 * The LOM the merge keeps inline: a subset of each schema set's LOM (general title, language,
 * description, keyword, coverage; technical format, size, location) whose every rule is known, so
 * what passes here validates. Everything else is moved into a file, which no LMS schema-checks.
 */
function lomShape(family: ScormFamily): ContainerShape {
  if (family === '2004') {
    return lomSubset({
      ordered: false,
      language: (v) => isLanguageTag(v) || v.trim() === 'none',
      langString: {
        kind: 'container',
        ordered: false,
        parts: [{ name: 'string', shape: { kind: 'text', attributes: { '|language': isLanguageTag } } }],
      },
    });
  }
  return lomSubset({
    ordered: true,
    language: undefined,
    langString: {
      kind: 'container',
      ordered: true,
      parts: [
        {
          name: 'langstring',
          min: 1,
          shape: { kind: 'text', attributes: { [`${XML_NS}|lang`]: isLanguageTag } },
        },
      ],
    },
  });
}

/** The kept subset; the two LOM schemas differ only in order, the language rule and the lang string. */
function lomSubset(schema: {
  ordered: boolean;
  language: ((text: string) => boolean) | undefined;
  langString: ContainerShape;
}): ContainerShape {
  const text = (value?: (text: string) => boolean): TextShape => ({ kind: 'text', value });
  const { ordered, langString } = schema;
  return {
    kind: 'container',
    ordered,
    parts: [
      {
        name: 'general',
        max: 1,
        shape: {
          kind: 'container',
          ordered,
          parts: [
            { name: 'title', max: 1, shape: langString },
            { name: 'language', shape: text(schema.language) },
            { name: 'description', shape: langString },
            { name: 'keyword', shape: langString },
            { name: 'coverage', shape: langString },
          ],
        },
      },
      {
        name: 'technical',
        max: 1,
        shape: {
          kind: 'container',
          ordered,
          parts: [
            { name: 'format', shape: text() },
            { name: 'size', max: 1, shape: text(isWholeNumber) },
            { name: 'location', shape: text() },
          ],
        },
      },
    ],
  };
}

/**
 * Why an inline metadata record (a child of `<metadata>` other than schema, schemaversion and
 * adlcp:location) might not validate in a `family` manifest, or null when it surely does.
 */
export function metadataRecordProblem(record: XmlElement, family: ScormFamily): string | null {
  const namespace = LOM_NAMESPACES[family];
  if (record.localName !== 'lom') {
    return record.namespaceURI
      ? `"${record.localName}" elements in the namespace ${record.namespaceURI}`
      : `"${record.localName}" elements in no namespace`;
  }
  if (record.namespaceURI !== namespace)
    return `LOM in the namespace ${record.namespaceURI ?? '(none)'}, not ${namespace}`;
  return shapeProblem(record, lomShape(family), namespace);
}

function shapeProblem(el: XmlElement, shape: Shape, namespace: string): string | null {
  const children = el.children.filter((node) => node.kind === 'element') as XmlElement[];
  if (shape.kind === 'text') {
    if (children.length > 0) return `markup inside the LOM text "${el.localName}"`;
    for (const attribute of el.attributes) {
      if (ignorable(attribute)) continue;
      const check = shape.attributes?.[`${attribute.namespaceURI ?? ''}|${attribute.localName}`];
      if (!check) return `an attribute "${attribute.name}" on the LOM "${el.localName}"`;
      if (!check(attribute.value)) return `an invalid ${attribute.localName} "${attribute.value.trim()}"`;
    }
    const text = el.children.map((node) => (node.kind === 'element' ? '' : node.text)).join('');
    if (shape.value && !shape.value(text))
      return `an invalid LOM ${el.localName} "${text.trim().slice(0, 40)}"`;
    return null;
  }
  for (const attribute of el.attributes)
    if (!ignorable(attribute)) return `an attribute "${attribute.name}" on the LOM "${el.localName}"`;
  for (const node of el.children)
    if (node.kind !== 'element' && node.text.trim()) return `text directly inside the LOM "${el.localName}"`;
  const counts = new Array<number>(shape.parts.length).fill(0);
  let position = 0;
  for (const child of children) {
    if (child.namespaceURI !== namespace) return `"${child.localName}" from another namespace inside LOM`;
    const from = shape.ordered ? position : 0;
    const index = shape.parts.findIndex((part, i) => i >= from && part.name === child.localName);
    if (index === -1) {
      return shape.parts.some((part) => part.name === child.localName)
        ? `LOM "${child.localName}" out of the schema's order`
        : `LOM "${child.localName}" parts, which the merge does not check`;
    }
    position = index;
    counts[index]++;
    if (counts[index] > (shape.parts[index].max ?? Infinity)) return `LOM "${child.localName}" repeated`;
    const problem = shapeProblem(child, shape.parts[index].shape, namespace);
    if (problem) return problem;
  }
  const missing = shape.parts.find((part, i) => counts[i] < (part.min ?? 0));
  return missing ? `an empty LOM "${el.localName}"` : null;
}

/** Namespace declarations and xsi:* (schemaLocation and the like) are allowed on any element. */
function ignorable(attribute: XmlAttribute): boolean {
  return (
    attribute.namespaceURI === XMLNS_NS ||
    attribute.namespaceURI === XSI_NS ||
    attribute.name === 'xmlns' ||
    attribute.name.startsWith('xmlns:')
  );
}

/** A `<metadata>` child the merge handles itself rather than checking as a record. */
export function isPackagingMetadata(child: XmlElement): boolean {
  const ns = child.namespaceURI;
  const cp = !ns || /imscp/i.test(ns);
  if (cp && (child.localName === 'schema' || child.localName === 'schemaversion')) return true;
  return !!ns && /adlcp/i.test(ns) && child.localName === 'location';
}

/**
 * The distinct reasons some inline metadata of a manifest might not validate against its own
 * family's schemas (what a package's inspection warns about).
 */
export function inlineMetadataProblems(root: XmlElement, family: ScormFamily): string[] {
  const problems = new Set<string>();
  walkElements(root, (el) => {
    if (el.localName !== 'metadata' || !(!el.namespaceURI || /imscp/i.test(el.namespaceURI))) return true;
    for (const child of el.children) {
      if (child.kind !== 'element' || isPackagingMetadata(child)) continue;
      const problem = metadataRecordProblem(child, family);
      if (problem) problems.add(problem);
    }
    return false;
  });
  return [...problems];
}
