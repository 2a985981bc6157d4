import { XML_NAMESPACE, type XmlElement, type XmlNode } from './xml-reader';

// Namespace-agnostic helpers: SCORM manifests use any prefix, or none at all,
// so elements are matched on localName and attributes on local name only.

export function childElements(parent: XmlElement): XmlElement[] {
  const result: XmlElement[] = [];
  for (const node of parent.children) if (node.kind === 'element') result.push(node);
  return result;
}

/** Children with the given local name whose namespace passes `accepts` (any namespace when omitted). */
export function childrenNamed(
  parent: XmlElement,
  localName: string,
  accepts: (namespace: string | null) => boolean = () => true,
): XmlElement[] {
  return childElements(parent).filter((el) => el.localName === localName && accepts(el.namespaceURI));
}

export function firstChildNamed(
  parent: XmlElement,
  localName: string,
  accepts?: (namespace: string | null) => boolean,
): XmlElement | null {
  return childrenNamed(parent, localName, accepts)[0] ?? null;
}

/** Concatenated text of the element (iterative, so deep markup cannot overflow the stack). */
export function textOf(element: XmlElement): string {
  let text = '';
  const stack: XmlNode[] = [element];
  while (stack.length > 0) {
    const node = stack.pop() as XmlNode;
    if (node.kind === 'text') text += node.text;
    else for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return text;
}

/**
 * Attribute by local name in any namespace (`adlcp:scormtype`, `scormType`, ...).
 * Names are compared case-insensitively when `ignoreCase` is set (1.2 and 2004 differ in case).
 */
export function attributeValue(element: XmlElement, localName: string, ignoreCase = false): string | null {
  const wanted = ignoreCase ? localName.toLowerCase() : localName;
  for (const attribute of element.attributes) {
    const name = attribute.localName;
    if ((ignoreCase ? name.toLowerCase() : name) === wanted) return attribute.value;
  }
  return null;
}

/** xml:base of an element, '' when absent. */
export function xmlBase(element: XmlElement): string {
  return element.getAttributeNS(XML_NAMESPACE, 'base') ?? '';
}

/**
 * Visits every element below `root` in document order without recursion.
 * `visit` gets the depth (root = 0); returning false skips that element's children.
 */
export function walkElements(
  root: XmlElement,
  visit: (element: XmlElement, depth: number) => boolean | void,
): void {
  const stack: Array<[XmlElement, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop() as [XmlElement, number];
    if (visit(element, depth) === false) continue;
    const children = childElements(element);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
}
