// A small, strict, namespace-aware XML reader for manifests and metadata files.
// Why not a DOM library: xmldom took about 1.2 ms per 10 KB manifest, the largest share of an upload's
// CPU. This reader builds only what the package code reads, expands no entity beyond XML's five and
// character references, and never fetches anything.

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface XmlAttribute {
  /** The qualified name as written, e.g. `adlcp:scormtype`. */
  readonly name: string;
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly value: string;
}

/** Character data: text and CDATA sections, entities decoded and line ends normalised. */
export interface XmlText {
  readonly kind: 'text';
  readonly text: string;
}

export type XmlNode = XmlElement | XmlText;

/** A parsed element: read-only, namespace-resolved. */
export class XmlElement {
  readonly kind = 'element' as const;
  readonly children: XmlNode[] = [];

  constructor(
    /** The qualified name as written, e.g. `imscp:manifest`. */
    readonly tagName: string,
    readonly localName: string,
    readonly namespaceURI: string | null,
    readonly attributes: readonly XmlAttribute[],
  ) {}

  /** The value of the attribute with this qualified name, as written. */
  getAttribute(name: string): string | null {
    for (const attribute of this.attributes) if (attribute.name === name) return attribute.value;
    return null;
  }

  getAttributeNS(namespaceURI: string | null, localName: string): string | null {
    for (const attribute of this.attributes) {
      if (attribute.localName === localName && attribute.namespaceURI === namespaceURI)
        return attribute.value;
    }
    return null;
  }
}

/** The document is not well-formed; `line` and `column` start at 1. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

// XML 1.0 (5th edition) Name: NameStartChar then NameChar*, supplementary planes as surrogate pairs.
const NAME_START =
  'A-Za-z_:\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u02ff\\u0370-\\u037d\\u037f-\\u1fff\\u200c\\u200d\\u2070-\\u218f\\u2c00-\\u2fef\\u3001-\\ud7ff\\uf900-\\ufdcf\\ufdf0-\\ufffd';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00b7\\u0300-\\u036f\\u203f\\u2040`;
const ASTRAL = '[\\ud800-\\udb7f][\\udc00-\\udfff]';
// The classes are code-point ranges from the XML spec, not combined characters.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`(?:[${NAME_START}]|${ASTRAL})(?:[${NAME_CHAR}]|${ASTRAL})*`, 'y');
const UNQUOTED_VALUE = /[^\s"'<>=`]*?(?=\s|\/?>|$)/y;
const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*\?>$/;
/** A character or entity reference, or (last group) an "&" that starts one without completing it. */
const REFERENCE = /&(?:#[xX]([0-9a-fA-F]+);|#([0-9]+);|([A-Za-z_:][\w.:-]*);|([\w:#]))/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface RawAttribute {
  name: string;
  value: string;
  at: number;
}

/**
 * Parses a whole document and returns its root element. Iterative, so documents nested thousands deep
 * cannot overflow the stack. A DOCTYPE is skipped; any entity other than XML's own is an error.
 */
export function readXml(text: string): XmlElement {
  return new XmlReader(text).read();
}

class XmlReader {
  private pos = 0;
  private root: XmlElement | null = null;
  private readonly open: Array<{ element: XmlElement; declared: string[] | null; at: number }> = [];
  /** Each prefix's namespaces, innermost last ('' is the default namespace): lookups cost O(1) at any depth. */
  private readonly namespaces = new Map<string, Array<string | null>>([
    ['xml', [XML_NAMESPACE]],
    ['xmlns', [XMLNS_NAMESPACE]],
  ]);
  private sawDoctype = false;

  constructor(private readonly text: string) {}

  read(): XmlElement {
    const text = this.text;
    while (this.pos < text.length) {
      const lt = text.indexOf('<', this.pos);
      const end = lt === -1 ? text.length : lt;
      if (end > this.pos) this.characters(this.pos, end);
      if (lt === -1) break;
      this.pos = lt;
      const next = text.charCodeAt(lt + 1);
      if (next === 0x2f /* / */) this.endTag();
      else if (next === 0x21 /* ! */) this.markupDeclaration();
      else if (next === 0x3f /* ? */) this.processingInstruction();
      else this.startTag();
    }
    if (this.open.length > 0) {
      const names = this.open.map((entry) => `<${entry.element.tagName}>`);
      const shown = names.length > 5 ? [...names.slice(0, 5), `${names.length - 5} more`] : names;
      throw this.error(
        `the document ends before ${shown.join(', ')} ${names.length === 1 ? 'is' : 'are'} closed`,
        this.open[this.open.length - 1].at,
      );
    }
    if (!this.root) throw this.error('it has no root element', 0);
    return this.root;
  }

  private characters(start: number, end: number): void {
    const current = this.open[this.open.length - 1];
    if (!current) {
      for (let i = start; i < end; i++) {
        const code = this.text.charCodeAt(i);
        if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0xfeff) {
          throw this.error(
            this.root ? 'there is content after the root element' : 'there is text before the root element',
            i,
          );
        }
      }
      return;
    }
    let raw = this.text.slice(start, end);
    if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
    current.element.children.push({ kind: 'text', text: raw.includes('&') ? this.decode(raw, start) : raw });
  }

  private startTag(): void {
    const at = this.pos;
    const tagName = this.name(at + 1, 'tag name', {
      message: 'a "<" starts no tag (a literal "<" is written &lt;)',
      at,
    });
    let pos = at + 1 + tagName.length;
    const raw: RawAttribute[] = [];
    let selfClosing = false;
    let names: Set<string> | null = null;
    for (;;) {
      const afterSpace = this.skipSpace(pos);
      const code = this.text.charCodeAt(afterSpace);
      if (code === 0x3e /* > */) {
        pos = afterSpace + 1;
        break;
      }
      if (code === 0x2f /* / */) {
        // "/ >" as well as "/>": hand-written manifests have it and the previous parser took it.
        const close = this.skipSpace(afterSpace + 1);
        if (this.text.charCodeAt(close) !== 0x3e)
          throw this.error(`a "/" in <${tagName}> does not end the tag`, afterSpace);
        pos = close + 1;
        selfClosing = true;
        break;
      }
      if (afterSpace >= this.text.length) throw this.error(`the tag <${tagName}> is not finished`, at);
      if (code === 0x22 || code === 0x27) {
        throw this.error(`a value in <${tagName}> has no attribute name and "=" before it`, afterSpace);
      }
      const attribute = this.attribute(afterSpace, tagName);
      // A Set only for tags with many attributes: real ones have a few, hostile ones may have a million.
      if (raw.length >= 16) names ??= new Set(raw.map((a) => a.name));
      if (names ? names.has(attribute.name) : raw.some((a) => a.name === attribute.name)) {
        throw this.error(`the attribute "${attribute.name}" appears twice in <${tagName}>`, afterSpace);
      }
      names?.add(attribute.name);
      raw.push(attribute);
      pos = attribute.end;
    }
    this.pos = pos;

    const parent = this.open[this.open.length - 1];
    if (!parent && this.root) throw this.error('there is a second root element; a document has only one', at);
    const declared = this.declare(raw);
    const { prefix, localName } = splitName(tagName);
    const namespaceURI = this.resolve(prefix, true, at);
    const attributes: XmlAttribute[] = raw.map((attribute) => {
      const split = splitName(attribute.name);
      const isDeclaration = attribute.name === 'xmlns' || split.prefix === 'xmlns';
      return {
        name: attribute.name,
        localName: split.localName,
        namespaceURI: isDeclaration
          ? XMLNS_NAMESPACE
          : split.prefix === null
            ? null
            : this.resolve(split.prefix, false, attribute.at),
        value: attribute.value,
      };
    });
    const element = new XmlElement(tagName, localName, namespaceURI, attributes);
    if (parent) parent.element.children.push(element);
    else this.root = element;
    if (selfClosing) this.undeclare(declared);
    else this.open.push({ element, declared, at });
  }

  /** Reads one attribute starting at `start`; `end` is the position after it. */
  private attribute(start: number, tagName: string): RawAttribute & { end: number } {
    const name = this.name(start, () => `attribute name in <${tagName}>`);
    let pos = this.skipSpace(start + name.length);
    if (this.text.charCodeAt(pos) !== 0x3d /* = */) {
      // HTML habit (`<input checked>`): accepted, as browsers and the previous parser did.
      return { name, value: name, at: start, end: pos };
    }
    pos = this.skipSpace(pos + 1);
    const quote = this.text[pos];
    let raw: string;
    let valueStart: number;
    if (quote === '"' || quote === "'") {
      const close = this.text.indexOf(quote, pos + 1);
      if (close === -1) throw this.error(`the value of "${name}" in <${tagName}> is never closed`, pos);
      valueStart = pos + 1;
      raw = this.text.slice(valueStart, close);
      pos = close + 1;
    } else {
      // Unquoted values are an authoring slip seen in the wild: accepted as HTML accepts them (no quotes,
      // "<", "=" or "`"), up to the next space or tag end.
      UNQUOTED_VALUE.lastIndex = pos;
      const match = UNQUOTED_VALUE.exec(this.text);
      if (!match || match[0] === '')
        throw this.error(`the value of "${name}" in <${tagName}> must be quoted`, pos);
      raw = match[0];
      valueStart = pos;
      pos += raw.length;
    }
    const lt = raw.indexOf('<');
    if (lt !== -1) throw this.error(`the value of "${name}" contains an unescaped "<"`, valueStart + lt);
    // XML's attribute-value normalisation: each line end or tab becomes one space.
    let value = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw;
    if (value.includes('&')) value = this.decode(value, valueStart);
    return { name, value, at: start, end: pos };
  }

  private endTag(): void {
    const at = this.pos;
    const name = this.name(at + 2, 'closing tag name');
    const close = this.skipSpace(at + 2 + name.length);
    if (this.text.charCodeAt(close) !== 0x3e)
      throw this.error(`the closing tag </${name}> is not finished`, at);
    const current = this.open.pop();
    if (!current) throw this.error(`</${name}> closes a tag that was never opened`, at);
    if (current.element.tagName !== name) {
      const { line } = position(this.text, current.at);
      throw this.error(`<${current.element.tagName}> (opened on line ${line}) is closed by </${name}>`, at);
    }
    this.undeclare(current.declared);
    this.pos = close + 1;
  }

  private markupDeclaration(): void {
    const at = this.pos;
    const text = this.text;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end === -1) throw this.error('a comment is never closed', at);
      const dashes = text.indexOf('--', at + 4);
      if (dashes < end) throw this.error('a comment contains "--"', dashes);
      this.pos = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const current = this.open[this.open.length - 1];
      if (!current) throw this.error('a CDATA section is outside the root element', at);
      const end = text.indexOf(']]>', at + 9);
      if (end === -1) throw this.error('a CDATA section is never closed', at);
      const raw = text.slice(at + 9, end);
      current.element.children.push({
        kind: 'text',
        text: raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw,
      });
      this.pos = end + 3;
    } else if (text.startsWith('<!DOCTYPE', at)) {
      if (this.root || this.sawDoctype)
        throw this.error('a DOCTYPE may only come once, before the root element', at);
      this.sawDoctype = true;
      this.pos = this.skipDoctype(at);
    } else {
      throw this.error('"<!" starts neither a comment, a CDATA section nor a DOCTYPE', at);
    }
  }

  /** Skips a DOCTYPE with its internal subset; quoted strings and comments may hold ">" or "]". */
  private skipDoctype(at: number): number {
    const text = this.text;
    let inSubset = false;
    for (let i = at + 9; i < text.length; i++) {
      const char = text[i];
      if (char === '"' || char === "'") {
        const close = text.indexOf(char, i + 1);
        if (close === -1) break;
        i = close;
      } else if (inSubset && text.startsWith('<!--', i)) {
        const close = text.indexOf('-->', i + 4);
        if (close === -1) break;
        i = close + 2;
      } else if (char === '[') inSubset = true;
      else if (char === ']') inSubset = false;
      else if (char === '>' && !inSubset) return i + 1;
    }
    throw this.error('the DOCTYPE is never closed', at);
  }

  private processingInstruction(): void {
    const at = this.pos;
    const end = this.text.indexOf('?>', at + 2);
    if (end === -1) throw this.error('a processing instruction ("<?") is never closed', at);
    const target = this.name(at + 2, 'processing instruction name');
    const afterTarget = at + 2 + target.length;
    if (afterTarget !== end && this.skipSpace(afterTarget) === afterTarget) {
      throw this.error(`the processing instruction <?${target} is malformed`, at);
    }
    const atStart = at === 0 || (at === 1 && this.text.charCodeAt(0) === 0xfeff);
    if (target.toLowerCase() === 'xml') {
      if (!atStart) {
        throw this.error('the XML declaration (<?xml ...?>) must be at the very start of the document', at);
      }
      if (!XML_DECLARATION.test(this.text.slice(at, end + 2))) {
        throw this.error('the XML declaration is malformed (expected <?xml version="1.0" ...?>)', at);
      }
    }
    this.pos = end + 2;
  }

  /** Binds the element's xmlns declarations; returns the prefixes to unbind when it closes. */
  private declare(attributes: RawAttribute[]): string[] | null {
    let declared: string[] | null = null;
    for (const attribute of attributes) {
      let prefix: string;
      if (attribute.name === 'xmlns') prefix = '';
      else if (attribute.name.startsWith('xmlns:')) prefix = attribute.name.slice(6);
      else continue;
      if (prefix === 'xml' || prefix === 'xmlns') continue;
      let stack = this.namespaces.get(prefix);
      if (!stack) this.namespaces.set(prefix, (stack = []));
      stack.push(attribute.value === '' ? null : attribute.value);
      (declared ??= []).push(prefix);
    }
    return declared;
  }

  private undeclare(declared: string[] | null): void {
    if (declared) for (const prefix of declared) this.namespaces.get(prefix)?.pop();
  }

  /** The namespace of a prefix; unprefixed attributes have none, unprefixed elements the default one. */
  private resolve(prefix: string | null, isElement: boolean, at: number): string | null {
    if (prefix === null && !isElement) return null;
    const stack = this.namespaces.get(prefix ?? '');
    if (stack && stack.length > 0) return stack[stack.length - 1];
    if (prefix === null) return null;
    throw this.error(`the prefix "${prefix}" is used but never declared with xmlns:${prefix}`, at);
  }

  private decode(raw: string, offset: number): string {
    REFERENCE.lastIndex = 0;
    return raw.replace(
      REFERENCE,
      (match: string, hex?: string, decimal?: string, name?: string, incomplete?: string, index?: number) => {
        if (incomplete !== undefined) {
          throw this.error(
            'an "&" starts a reference that never ends with ";" (a literal "&" is written &amp;)',
            offset + (index ?? 0),
          );
        }
        if (name !== undefined) {
          const value = PREDEFINED[name];
          if (value === undefined) {
            throw this.error(
              `the entity &${name}; is not defined (only &lt; &gt; &amp; &quot; &apos; are)`,
              offset + (index ?? 0),
            );
          }
          return value;
        }
        const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
        if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
          throw this.error(`${match} is not a valid character`, offset + (index ?? 0));
        }
        return String.fromCodePoint(code);
      },
    );
  }

  /** The name at `at`; `what` names it in errors, and `noName` is the error when no name starts there. */
  private name(at: number, what: string | (() => string), noName?: { message: string; at: number }): string {
    NAME.lastIndex = at;
    const match = NAME.exec(this.text);
    if (!match && noName) throw this.error(noName.message, noName.at);
    if (!match || !isQualifiedName(match[0])) {
      const found = /^[^\s/>="']{0,40}/.exec(this.text.slice(at, at + 40))?.[0] || this.text.charAt(at);
      const described = typeof what === 'string' ? what : what();
      throw this.error(found ? `"${found}" is not a valid ${described}` : `a ${described} is missing`, at);
    }
    return match[0];
  }

  private skipSpace(at: number): number {
    let pos = at;
    for (
      let code = this.text.charCodeAt(pos);
      code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
    ) {
      code = this.text.charCodeAt(++pos);
    }
    return pos;
  }

  private error(message: string, at: number): XmlSyntaxError {
    const { line, column } = position(this.text, at);
    return new XmlSyntaxError(message, line, column);
  }
}

/** At most one colon, with a non-empty prefix and local part. */
function isQualifiedName(name: string): boolean {
  const colon = name.indexOf(':');
  return colon === -1 || (colon > 0 && colon < name.length - 1 && name.indexOf(':', colon + 1) === -1);
}

function splitName(name: string): { prefix: string | null; localName: string } {
  const colon = name.indexOf(':');
  return colon <= 0
    ? { prefix: null, localName: name }
    : { prefix: name.slice(0, colon), localName: name.slice(colon + 1) };
}

function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
