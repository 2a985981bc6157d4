import type { Element, Node } from '@xmldom/xmldom';

// Namespace-agnostic helpers: SCORM manifests use any prefix, or none at all,
// so elements are matched on localName and attributes on local name only.

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

export function childElements(parent: Element): Element[] {
  const result: Element[] = [];
  for (let node: Node | null = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE) result.push(node as Element);
  }
  return result;
}

/** Children with the given local name whose namespace passes `accepts` (any namespace when omitted). */
export function childrenNamed(
  parent: Element,
  localName: string,
  accepts: (namespace: string | null) => boolean = () => true,
): Element[] {
  return childElements(parent).filter((el) => el.localName === localName && accepts(el.namespaceURI));
}

export function firstChildNamed(
  parent: Element,
  localName: string,
  accepts?: (namespace: string | null) => boolean,
): Element | null {
  return childrenNamed(parent, localName, accepts)[0] ?? null;
}

/** Concatenated text of the element (iterative, so deep markup cannot overflow the stack). */
export function textOf(element: Element): string {
  let text = '';
  const stack: Node[] = [element];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      text += node.nodeValue ?? '';
    } else if (node.nodeType === ELEMENT_NODE) {
      const children: Node[] = [];
      for (let child: Node | null = node.firstChild; child; child = child.nextSibling) children.push(child);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return text;
}

/**
 * Attribute by local name in any namespace (`adlcp:scormtype`, `scormType`, ...).
 * Names are compared case-insensitively when `ignoreCase` is set (1.2 and 2004 differ in case).
 */
export function attributeValue(element: Element, localName: string, ignoreCase = false): string | null {
  const wanted = ignoreCase ? localName.toLowerCase() : localName;
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes.item(i);
    if (!attribute) continue;
    const name = attribute.localName ?? attribute.name;
    if ((ignoreCase ? name.toLowerCase() : name) === wanted) return attribute.value;
  }
  return null;
}

/** xml:base of an element, '' when absent. */
export function xmlBase(element: Element): string {
  const value =
    element.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'base') ??
    element.getAttribute('xml:base');
  return value ?? '';
}

/**
 * Visits every element below `root` in document order without recursion.
 * `visit` gets the depth (root = 0); returning false skips that element's children.
 */
export function walkElements(
  root: Element,
  visit: (element: Element, depth: number) => boolean | void,
): void {
  const stack: Array<[Element, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop() as [Element, number];
    if (visit(element, depth) === false) continue;
    const children = childElements(element);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
}
