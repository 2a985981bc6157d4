import { PackageError } from '../package-error';
import { readXml, XmlSyntaxError, type XmlElement } from './xml-reader';

/**
 * Decodes XML bytes by their byte-order mark: UTF-8 (with or without BOM) or UTF-16 LE/BE
 * with BOM. Without a BOM, an ISO-8859-1/Windows-1252 declaration is honoured; the rest is UTF-8.
 */
export function decodeXmlBytes(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  }
  const declaration = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(
    bytes.subarray(0, 200).toString('latin1'),
  );
  const declared = declaration?.[1].toLowerCase() ?? '';
  if (/^(iso-8859-1|latin-?1|windows-1252|cp1252)$/.test(declared)) {
    return new TextDecoder('windows-1252').decode(bytes);
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * Parses untrusted XML and returns its root element. Entity declarations are refused up front
 * (XXE, billion laughs); the reader expands no other entity and never fetches anything. A document
 * that is not well-formed becomes a PackageError that names the problem and where it is.
 *
 * @param what how the message names the document, e.g. 'The manifest (imsmanifest.xml)'
 */
export function parseXmlSafely(text: string, what: string): XmlElement {
  if (/<!DOCTYPE/i.test(text) && /<!ENTITY/i.test(text)) {
    throw new PackageError(
      `${what} declares XML entities (<!ENTITY>), which are not allowed for security reasons.`,
    );
  }
  try {
    return readXml(text);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new PackageError(
      `${what} is not well-formed XML: ${error.message} (line ${error.line}, column ${error.column}).`,
      { cause: error },
    );
  }
}
