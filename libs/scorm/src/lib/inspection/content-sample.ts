import { htmlToPlainText, truncateText } from '../plain-text';
import type { ZipArchive, ZipEntryInfo } from '../zip/zip-archive';

/** Launch pages past this size are only sampled from their start. */
export const MAX_SAMPLE_PAGE_BYTES = 512 * 1024;

const TEXT_PAGE = /\.(html?|xhtml?|shtml|txt)$/i;

/**
 * Plain text from the SCO launch pages, in course order, for descriptions.
 * Repeated pages (the same file, or the same text) count once; the result is at most `maxChars`.
 */
export async function buildContentSample(
  archive: ZipArchive,
  pages: readonly ZipEntryInfo[],
  maxChars: number,
): Promise<string> {
  if (maxChars <= 0) return '';
  const texts: string[] = [];
  const seenEntries = new Set<ZipEntryInfo>();
  const seenTexts = new Set<string>();
  let length = 0;
  for (const page of pages) {
    if (length >= maxChars) break;
    if (seenEntries.has(page) || !TEXT_PAGE.test(page.name)) continue;
    seenEntries.add(page);
    const bytes = await archive.readEntryHead(page, MAX_SAMPLE_PAGE_BYTES);
    // A NUL byte means this is not a text page whatever its name says.
    if (bytes.subarray(0, 1024).includes(0) && !hasUtf16Bom(bytes)) continue;
    const text = htmlToPlainText(decodeHtmlBytes(bytes));
    if (!text || seenTexts.has(text)) continue;
    seenTexts.add(text);
    texts.push(text);
    length += text.length + 1;
  }
  return truncateText(texts.join(' '), maxChars);
}

/** Decodes by BOM, then by a <meta charset> naming Latin-1, else UTF-8. */
export function decodeHtmlBytes(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder().decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 2048).toString('latin1');
  if (/<meta[^>]+charset\s*=\s*["']?\s*(iso-8859-1|windows-1252|latin-?1)/i.test(head)) {
    return new TextDecoder('windows-1252').decode(bytes);
  }
  return new TextDecoder().decode(bytes);
}

function hasUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}
