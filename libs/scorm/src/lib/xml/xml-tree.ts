/**
 * A tiny XML tree for writing the merged manifest: every namespace is declared once on the
 * root with a fixed prefix, so the output never depends on a DOM serializer's choices.
 */
export interface XElement {
  kind: 'element';
  /** Qualified name as written (`item`, `adlcp:location`). */
  name: string;
  attributes: Array<[string, string]>;
  children: XNode[];
}

export interface XText {
  kind: 'text';
  text: string;
}

export type XNode = XElement | XText;

type AttributeInput = Record<string, string | null | undefined> | Array<[string, string]>;

export function element(name: string, attributes: AttributeInput = {}, children: XNode[] = []): XElement {
  const list: Array<[string, string]> = Array.isArray(attributes)
    ? [...attributes]
    : Object.entries(attributes).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return { kind: 'element', name, attributes: list, children };
}

export function textNode(text: string): XText {
  return { kind: 'text', text };
}

/** An element holding only text. */
export function textElement(name: string, text: string, attributes: AttributeInput = {}): XElement {
  return element(name, attributes, [textNode(text)]);
}

export function getAttribute(node: XElement, name: string): string | null {
  return node.attributes.find(([key]) => key === name)?.[1] ?? null;
}

export function setAttribute(node: XElement, name: string, value: string): void {
  const existing = node.attributes.find(([key]) => key === name);
  if (existing) existing[1] = value;
  else node.attributes.push([name, value]);
}

export function removeAttribute(node: XElement, name: string): void {
  node.attributes = node.attributes.filter(([key]) => key !== name);
}

export function childElementsOf(node: XElement, name?: string): XElement[] {
  return node.children.filter(
    (child): child is XElement => child.kind === 'element' && (name === undefined || child.name === name),
  );
}

/** Characters XML 1.0 cannot hold at all (controls, lone surrogates, U+FFFE/FFFF). */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

export function escapeXmlText(text: string): string {
  return stripInvalidXmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeXmlAttribute(text: string): string {
  return stripInvalidXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/**
 * Serializes with two-space indentation. Elements holding non-blank text keep their
 * content exactly (mixed content is never re-indented).
 */
export function serializeXml(root: XElement): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  // Iterative: item trees can nest deeply.
  type Step = { node: XElement; depth: number; inline: boolean } | { close: string; indent: string };
  const stack: Step[] = [{ node: root, depth: 0, inline: false }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ('close' in step) {
      out.push(`${step.indent}</${step.close}>\n`);
      continue;
    }
    const { node, depth, inline } = step;
    const indent = inline ? '' : '  '.repeat(depth);
    const attributes = node.attributes
      .map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`)
      .join('');
    const lineEnd = inline ? '' : '\n';
    if (node.children.length === 0) {
      out.push(`${indent}<${node.name}${attributes}/>${lineEnd}`);
      continue;
    }
    const hasText = node.children.some((child) => child.kind === 'text' && child.text.trim() !== '');
    if (hasText || inline) {
      out.push(
        `${indent}<${node.name}${attributes}>${serializeInline(node.children)}</${node.name}>${lineEnd}`,
      );
      continue;
    }
    out.push(`${indent}<${node.name}${attributes}>\n`);
    stack.push({ close: node.name, indent });
    const elements = childElementsOf(node);
    for (let i = elements.length - 1; i >= 0; i--)
      stack.push({ node: elements[i], depth: depth + 1, inline: false });
  }
  return out.join('');
}

function serializeInline(children: XNode[]): string {
  let text = '';
  for (const child of children) {
    if (child.kind === 'text') {
      text += escapeXmlText(child.text);
      continue;
    }
    const attributes = child.attributes
      .map(([key, value]) => ` ${key}="${escapeXmlAttribute(value)}"`)
      .join('');
    text +=
      child.children.length === 0
        ? `<${child.name}${attributes}/>`
        : `<${child.name}${attributes}>${serializeInline(child.children)}</${child.name}>`;
  }
  return text;
}
