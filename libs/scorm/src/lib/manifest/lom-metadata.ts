import { normalizeText } from '../plain-text';
import { attributeValue, childElements, firstChildNamed, textOf, walkElements } from '../xml/xml-elements';
import type { XmlElement } from '../xml/xml-reader';

/** The parts of an IEEE LOM record a package summary needs. */
export interface LomSummary {
  title: string | null;
  description: string | null;
}

/**
 * Reads general/title and general/description from a <lom> element in either shape:
 * LOM for SCORM 1.2 (imsmd, `langstring xml:lang`) or SCORM 2004 (`string language`).
 */
export function readLom(lom: XmlElement): LomSummary {
  const general = firstChildNamed(lom, 'general');
  if (!general) return { title: null, description: null };
  const title = firstChildNamed(general, 'title');
  // LOM allows several descriptions; the first that has text wins.
  const descriptions = childElements(general).filter((el) => el.localName === 'description');
  let description: string | null = null;
  for (const candidate of descriptions) {
    description = pickLangString(candidate);
    if (description) break;
  }
  return { title: title ? pickLangString(title) : null, description };
}

/** The first <lom> at or below `root` (a metadata file may wrap it), searching a few levels only. */
export function findLom(root: XmlElement): XmlElement | null {
  let found: XmlElement | null = null;
  walkElements(root, (element, depth) => {
    if (found || depth > 3) return false;
    if (element.localName === 'lom') {
      found = element;
      return false;
    }
    return true;
  });
  return found;
}

/** Prefers an English string, else the first non-empty one. */
function pickLangString(container: XmlElement): string | null {
  const strings = childElements(container).filter(
    (el) => el.localName === 'langstring' || el.localName === 'string',
  );
  let first: string | null = null;
  for (const element of strings) {
    const text = normalizeText(textOf(element));
    if (!text) continue;
    const language = attributeValue(element, 'lang') ?? attributeValue(element, 'language') ?? '';
    if (/^en\b/i.test(language)) return text;
    first ??= text;
  }
  // Some manifests put the text straight into <title>.
  if (first === null && strings.length === 0) {
    const direct = normalizeText(textOf(container));
    return direct || null;
  }
  return first;
}

/**
 * The language a LOM record says its object is in: general/language, else the language of its
 * title string (`language` in 2004, `xml:lang` in 1.2); null when it names none.
 */
export function readLomLanguage(lom: XmlElement): string | null {
  const general = firstChildNamed(lom, 'general');
  if (!general) return null;
  const language = firstChildNamed(general, 'language');
  const stated = language ? normalizeText(textOf(language)) : '';
  if (stated) return stated;
  const title = firstChildNamed(general, 'title');
  const strings = title
    ? childElements(title).filter((el) => el.localName === 'langstring' || el.localName === 'string')
    : [];
  for (const string of strings) {
    const tag = normalizeText(attributeValue(string, 'lang') ?? attributeValue(string, 'language') ?? '');
    if (tag) return tag;
  }
  return null;
}
