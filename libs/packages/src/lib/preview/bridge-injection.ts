/** Where the bridge script is served, on the content origin. */
export const BRIDGE_SCRIPT_PATH = '/preview/bridge.js';

/** The tag put into HTML documents at serve time; it must run before any of the page's own scripts. */
export function bridgeScriptTag(appOrigin: string, family: string): string {
  const attributes = `data-app-origin="${escapeAttribute(appOrigin)}" data-scorm-family="${escapeAttribute(family)}"`;
  return `<script src="${BRIDGE_SCRIPT_PATH}" ${attributes}></script>`;
}

/**
 * The HTML document with the bridge tag inserted right after `<head …>` (else after `<html …>`, else
 * after the doctype, else first), so it runs before the page's scripts and the doctype keeps its
 * place. Only ASCII is inserted at a tag boundary, so any ASCII-compatible encoding stays intact;
 * UTF-16 documents are returned unchanged.
 */
export function injectBridgeTag(html: Buffer, tag: string): Buffer {
  if (isUtf16(html)) return html;
  // latin1 maps byte for byte, so indexes found in the text are byte offsets.
  const head = html.subarray(0, 64 * 1024).toString('latin1');
  const at =
    afterTag(head, /<head(?=[\s>/])[^>]*>/i) ??
    afterTag(head, /<html(?=[\s>/])[^>]*>/i) ??
    afterTag(head, /<!doctype[^>]*>/i) ??
    bomLength(html);
  return Buffer.concat([html.subarray(0, at), Buffer.from(tag, 'latin1'), html.subarray(at)]);
}

function afterTag(text: string, pattern: RegExp): number | undefined {
  // Comments before the tag may hold text that looks like it; skipping them keeps the match real.
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, (comment) => ' '.repeat(comment.length));
  const match = pattern.exec(withoutComments);
  return match ? match.index + match[0].length : undefined;
}

function isUtf16(bytes: Buffer): boolean {
  return (
    bytes.length >= 2 &&
    ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
  );
}

function bomLength(bytes: Buffer): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
