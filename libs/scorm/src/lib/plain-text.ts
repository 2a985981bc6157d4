// Text clean-up shared by titles, LOM strings and the content sample.
// Everything here produces plain text: markup is never interpreted, only kept or stripped.

export const MAX_TITLE_CHARS = 300;

/** Control characters that are not whitespace (tab, line feed, vertical tab, form feed, carriage return are). */
// eslint-disable-next-line no-control-regex
const NON_SPACE_CONTROLS = /[\0-\x08\x0e-\x1f\x7f-\x9f]/g;

/** Collapses all whitespace runs to one space and drops control characters. */
export function normalizeText(text: string): string {
  // Whitespace controls and U+2028/U+2029 are whitespace to \s, so the collapse turns them into spaces.
  return text.replace(NON_SPACE_CONTROLS, '').replace(/\s+/g, ' ').trim();
}

/** Cuts to at most `max` characters (code points), preferring a word boundary, with an ellipsis. */
export function truncateText(text: string, max: number): string {
  // Code points are never more than UTF-16 units, so a short text needs no counting.
  if (text.length <= max) return text;
  const end = codePointEnd(text, max);
  if (end === text.length) return text;
  if (max <= 1) return text.slice(0, end);
  const head = text.slice(0, codePointEnd(text, max - 1));
  const lastSpace = head.lastIndexOf(' ');
  // Only back off to a space when it does not throw away most of the text.
  const cut = lastSpace > head.length * 0.6 ? head.slice(0, lastSpace) : head;
  return `${cut.replace(/[\s,;:.–—-]+$/u, '')}…`;
}

/** The UTF-16 index after the first `count` code points (or the text's end). */
function codePointEnd(text: string, count: number): number {
  let index = 0;
  for (let n = 0; n < count && index < text.length; n++) {
    const code = text.charCodeAt(index);
    const pair = code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
    index += pair ? 2 : 1;
  }
  return index;
}

/** A title as stored and shown: plain, single-line, bounded. HTML stays literal text. */
export function cleanTitle(text: string, max = MAX_TITLE_CHARS): string {
  return truncateText(normalizeText(text), max);
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  deg: '°',
  times: '×',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à',
  oacute: 'ó',
  uacute: 'ú',
  iacute: 'í',
  ntilde: 'ñ',
  ccedil: 'ç',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  szlig: 'ß',
  euro: '€',
  pound: '£',
};

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,10});/gi, (match, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : ' ';
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? match;
  });
}

const DROPPED_ELEMENTS = ['script', 'style', 'noscript', 'template'];
/** Their first letters: most tags are ruled out by one comparison. */
const DROPPED_START = new Set(DROPPED_ELEMENTS.map((name) => name.charCodeAt(0)));

/**
 * Plain text of an HTML page: comments and script/style/noscript/template bodies dropped,
 * tags stripped, common entities decoded, whitespace collapsed. Linear in the input size
 * (indexOf scanning, no backtracking regexes over the whole page).
 */
export function htmlToPlainText(source: string): string {
  // The private-use mark below must not come from the page itself.
  const html = source.includes(SENTENCE_MARK) ? source.replaceAll(SENTENCE_MARK, '') : source;
  const lower = html.toLowerCase();
  let out = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const dropped = DROPPED_START.has(lower.charCodeAt(lt + 1))
      ? DROPPED_ELEMENTS.find((name) => isTagStart(lower, lt + 1, name))
      : undefined;
    if (dropped) {
      const close = lower.indexOf(`</${dropped}`, lt + 1);
      if (close === -1) break;
      const closeEnd = html.indexOf('>', close);
      i = closeEnd === -1 ? html.length : closeEnd + 1;
      out += ' ';
      continue;
    }
    const tagEnd = findTagEnd(html, lt + 1);
    if (tagEnd === -1) break;
    // A heading or list entry ends a thought even without a full stop; keep sentences apart.
    if (lower.charAt(lt + 1) === '/' && SENTENCE_ENDING_ELEMENTS.has(tagName(lower, lt + 2))) {
      out += SENTENCE_MARK;
    }
    // Block tags separate words ("<p>a</p><p>b</p>" is "a b"); inline ones do not ("<b>fun</b>.").
    const name = tagName(lower, lower.charAt(lt + 1) === '/' ? lt + 2 : lt + 1);
    if (!INLINE_ELEMENTS.has(name)) out += ' ';
    i = tagEnd + 1;
  }
  // Marks become full stops only after a word ("Heading" → "Heading."), never after punctuation.
  return resolveSentenceMarks(normalizeText(decodeHtmlEntities(out)));
}

/**
 * Each mark (with the space before it) becomes a full stop after a letter or digit and disappears
 * otherwise. The letter test runs only where a mark is: a Unicode class tried at every character of a
 * page cost more than the rest of the conversion.
 */
function resolveSentenceMarks(text: string): string {
  if (!text.includes(SENTENCE_MARK)) return text;
  return text.replace(/\s?\uE000/g, (_mark: string, offset: number) => {
    const before = codePointBefore(text, offset);
    return before !== null && LETTER_OR_DIGIT.test(String.fromCodePoint(before)) ? '.' : '';
  });
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

function codePointBefore(text: string, index: number): number | null {
  if (index === 0) return null;
  const last = text.charCodeAt(index - 1);
  const pair = (last & 0xfc00) === 0xdc00 && index >= 2 && (text.charCodeAt(index - 2) & 0xfc00) === 0xd800;
  return pair ? (text.codePointAt(index - 2) as number) : last;
}

const INLINE_ELEMENTS = new Set([
  'a',
  'b',
  'i',
  'u',
  'em',
  'strong',
  'span',
  'small',
  'sub',
  'sup',
  'code',
  'abbr',
  'mark',
  'font',
  'q',
  's',
  'cite',
]);

/** Placeholder for "a sentence may end here"; resolved once the text is collapsed. */
const SENTENCE_MARK = '\uE000';

const SENTENCE_ENDING_ELEMENTS = new Set([
  'title',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'li',
  'dt',
  'dd',
  'th',
  'td',
  'caption',
  'legend',
  'label',
  'button',
  'option',
  'summary',
  'figcaption',
]);

/** The '>' that closes a tag starting at `from`, skipping quoted attribute values ("a>b"). */
function findTagEnd(html: string, from: number): number {
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      // Only inside attribute values: a quote right after '=' (possibly spaced).
      if (/=\s*$/.test(html.slice(Math.max(from, i - 8), i))) quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return -1;
}

/** The tag name at `at` ([a-z][a-z0-9]*, at most 12 characters), or ''. */
function tagName(lower: string, at: number): string {
  const first = lower.charCodeAt(at);
  if (!(first >= 0x61 && first <= 0x7a)) return '';
  let end = at + 1;
  const limit = Math.min(lower.length, at + 12);
  while (end < limit) {
    const code = lower.charCodeAt(end);
    if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39))) break;
    end++;
  }
  return lower.slice(at, end);
}

function isTagStart(lower: string, at: number, name: string): boolean {
  if (!lower.startsWith(name, at)) return false;
  const next = lower.charAt(at + name.length);
  return next === '>' || next === '/' || /\s/.test(next);
}
