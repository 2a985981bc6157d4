/**
 * Turns a model's raw answer into a catalogue description: plain text, no quotes, no markdown,
 * no HTML, at most 2 sentences and 300 characters.
 *
 * The result is text, never HTML: tags are removed (not escaped) and callers must still render it
 * as text. Framework-free: no Nest imports.
 */

export const MAX_DESCRIPTION_LENGTH = 300;
export const MAX_DESCRIPTION_SENTENCES = 2;

const ELLIPSIS = '…';

/** Abbreviations whose trailing period does not end a sentence (compared lower-case, without the final "."). */
const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'vs',
  'cf',
  'approx',
  'incl',
  'excl',
  'esp',
  'ca',
  'no',
  'nr',
  'fig',
  'vol',
  'ch',
  'sec',
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'jr',
  'sr',
  'dept',
  'z.b',
  'd.h',
  'u.a',
  'usw',
  'bzw',
  'ggf',
  'evtl',
  'vgl',
  'bsp',
  'p.ex',
  'env',
  'p.e',
  'p.ej',
]);

const LABEL_WORDS =
  '(?:(?:short|brief|course|catalog(?:ue)?|final|suggested)\\s+)*(?:description|summary|answer|output|response|beschreibung|kurzbeschreibung|description\\s+du\\s+cours|descripci[oó]n|descri[cç][aã]o|descrizione|beschrijving)';
const LEADING_LABEL = new RegExp(`^\\s*${LABEL_WORDS}\\s*(?:[:：]|[-–—]\\s)\\s*`, 'i');
const LABEL_ONLY_LINE = new RegExp(`^\\s*${LABEL_WORDS}\\s*[:：]?\\s*$`, 'i');
const TITLE_LINE = /^\s*(?:course\s+)?(?:title|titel|titre|t[ií]tulo|titolo)\s*[:：]/i;
const PREAMBLE =
  /^\s*(?:(?:sure|certainly|of course|okay|ok)[,!.]?\s*)?here(?:'s|’s| is| you go| it is)\b[^:\n]{0,80}[:：]\s*/i;

const DOUBLE_QUOTES = /["“”„‟«»〝〞＂「」『』]/g;

/** Cleans a raw model answer. Returns '' when nothing usable remains. */
export function cleanDescription(raw: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return '';
  }
  let text = raw.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ');
  text = stripHtml(text);
  text = stripCodeFences(text);
  text = flattenLines(text);
  text = stripInlineMarkdown(text);
  text = collapseWhitespace(text);
  text = stripLabelsAndQuotes(text);
  text = collapseWhitespace(text);
  if (!/[\p{L}\p{N}]/u.test(text)) {
    return '';
  }
  return limitLength(text);
}

// ---------------------------------------------------------------------------------------------
// HTML

function stripHtml(text: string): string {
  // Decode first so escaped tags ("&lt;b&gt;") are removed as well; a single pass only.
  let out = decodeEntities(text);
  out = out.replace(/<!--[\s\S]*?(?:-->|$)/g, ' ');
  out = out.replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)/gi, ' ');
  // Block-level tags become line breaks so list items and paragraphs do not run together.
  out = out.replace(
    /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|pre)\b[^>]*>/gi,
    '\n',
  );
  out = out.replace(/<\/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?\/?>/g, '');
  out = out.replace(/<![^<>]*>/g, '');
  return out;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        return ' ';
      }
      return code < 0x20 ? ' ' : String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[body.toLowerCase()];
    return named ?? whole;
  });
}

// ---------------------------------------------------------------------------------------------
// Markdown

function stripCodeFences(text: string): string {
  // Keep the content of fenced blocks, drop the fences and their language tag.
  return text.replace(/^[ \t]*(?:```|~~~)[^\n]*$/gm, '\n');
}

interface Line {
  text: string;
  structural: boolean; // heading or list item: ends a sentence when joined
  heading: boolean;
}

/** Removes line-level markdown (headings, bullets, quotes, rules, label/title lines) and joins lines. */
function flattenLines(text: string): string {
  const lines: Line[] = [];
  for (const rawLine of text.split('\n')) {
    let line = rawLine.trim();
    if (line === '') {
      continue;
    }
    if (/^(?:[-*_=]\s*){3,}$/.test(line) || /^\|?[\s:|-]+\|[\s:|-]*$/.test(line)) {
      continue; // horizontal rule, setext underline or table separator
    }
    let structural = false;
    let heading = false;
    line = line.replace(/^(?:>\s*)+/, '');
    if (/^#{1,6}(?:\s|$)/.test(line)) {
      line = line.replace(/^#{1,6}\s*/, '').replace(/\s*#+\s*$/, '');
      structural = true;
      heading = true;
    }
    const bullet = /^(?:[-*+•◦▪‣]|\d{1,3}[.)])\s+/;
    if (bullet.test(line)) {
      line = line.replace(bullet, '');
      structural = true;
    }
    line = line.replace(/^\|(.*)\|$/, '$1').replace(/\s*\|\s*/g, ' ');
    line = line.trim();
    if (line === '' || LABEL_ONLY_LINE.test(stripEmphasis(line))) {
      continue;
    }
    lines.push({ text: line, structural, heading });
  }

  // A model sometimes echoes the title or adds a heading above the description: drop those
  // lines when there is other content.
  const body = lines.filter((l) => !l.heading && !TITLE_LINE.test(stripEmphasis(l.text)));
  const kept = body.length > 0 ? body : lines;

  let out = '';
  let previous: Line | undefined;
  for (const line of kept) {
    if (previous) {
      const endsOpen = /[\p{L}\p{N})]$/u.test(stripEmphasis(previous.text));
      out += (previous.structural || line.structural) && endsOpen ? '. ' : ' ';
    }
    out += line.text;
    previous = line;
  }
  return out;
}

function stripEmphasis(text: string): string {
  return text.replace(/[*_~`]+/g, '').trim();
}

function stripInlineMarkdown(text: string): string {
  let out = text;
  out = out.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1'); // images → alt text
  out = out.replace(/\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g, '$1'); // [text](url) → text
  out = out.replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1'); // [text][ref] → text
  out = out.replace(/<((?:https?|mailto):[^>\s]+)>/gi, '$1'); // <https://…> autolinks
  out = out.replace(/`+([^`]*)`+/g, '$1'); // inline code
  out = out.replace(/`+/g, '');
  out = out.replace(/~~([^~]+)~~/g, '$1');
  out = out.replace(/\*+/g, ''); // bold/italic asterisks (never meaningful in a description)
  out = out.replace(/(^|[^\p{L}\p{N}_])_{1,3}(?=\S)([^_]*?\S)_{1,3}(?![\p{L}\p{N}_])/gu, '$1$2'); // _x_, __x__
  out = out.replace(/(^|\s)_{2,}|_{2,}(?=\s|$)/g, '$1');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Labels and quotes

function stripLabelsAndQuotes(text: string): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    const before = out;
    out = out.replace(PREAMBLE, '');
    out = out.replace(LEADING_LABEL, '');
    out = stripSurroundingQuotes(out.trim());
    if (out === before) {
      break;
    }
  }
  out = out.replace(DOUBLE_QUOTES, '');
  // Paired single quotes used as quotation marks: 'Excel basics' → Excel basics (apostrophes stay).
  out = out.replace(/(^|[\s(])['‘‚‹]((?=\S)[^'‘’‚‹›\n]*?\S)['’›](?=$|[\s.,;:!?)])/g, '$1$2');
  out = out.replace(/(\p{L})’(\p{L})/gu, "$1'$2"); // smart apostrophe inside a word → straight
  return out;
}

const QUOTE_PAIRS: Array<[string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
  ['”', '”'],
  ['„', '“'],
  ['„', '”'],
  ['‘', '’'],
  ['’', '’'],
  ['‚', '‘'],
  ['«', '»'],
  ['»', '«'],
  ['‹', '›'],
  ['「', '」'],
  ['『', '』'],
  ['`', '`'],
];

function stripSurroundingQuotes(text: string): string {
  let out = text.trim();
  for (;;) {
    const pair = QUOTE_PAIRS.find(
      ([open, close]) => out.length >= 2 && out.startsWith(open) && endsWithQuote(out, close),
    );
    if (!pair) {
      return out;
    }
    const [open, close] = pair;
    const tailPunct = /[.!?…]$/.test(out) && !out.endsWith(close) ? out.slice(-1) : '';
    const inner = tailPunct
      ? out.slice(open.length, -1 - close.length)
      : out.slice(open.length, -close.length);
    if (SINGLE_QUOTES.includes(open) && hasQuoteMark(inner)) {
      return out; // 'Excel' and 'Word': the outer marks belong to separate quotations
    }
    out = (inner.trim() + tailPunct).trim();
  }
}

const SINGLE_QUOTES = ["'", '‘', '’', '‚', '‹', '`'];

/** A single quote used as a quotation mark (next to a space or the text's edge), not an apostrophe. */
function hasQuoteMark(text: string): boolean {
  return /(?:^|\s)['‘’‚‹›`]|['‘’‚‹›`](?:\s|$)/.test(text);
}

/** Ends with the closing quote, or with the closing quote followed by one sentence punctuation mark. */
function endsWithQuote(text: string, close: string): boolean {
  return text.endsWith(close) || (/[.!?…]$/.test(text) && text.slice(0, -1).endsWith(close));
}

// ---------------------------------------------------------------------------------------------
// Length

function collapseWhitespace(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.])(?=\s|$)/g, '$1')
    .replace(/([!?])\1+/g, '$1')
    .replace(/\.\s+\.(?=\s|$)/g, '.')
    .trim();
}

/** Splits text into sentences without breaking on abbreviations ("e.g."), decimals ("2.5") or initials. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  // Candidate end: terminal punctuation, optional closing brackets/quotes, then whitespace or the end.
  const boundary = /[.!?…]+['"’”»)\]]*(?=\s|$)|[。！？]+/g;
  let match: RegExpExecArray | null;
  while ((match = boundary.exec(text)) !== null) {
    const end = match.index + match[0].length;
    const punct = match[0];
    if (punct.startsWith('.') && !punct.startsWith('...') && !isSentenceEndPeriod(text, match.index)) {
      continue;
    }
    const rest = text.slice(end);
    const next = rest.trimStart();
    if (next !== '' && /^[\p{Ll}]/u.test(next) && !/[。！？]/.test(punct)) {
      continue; // "… e.g. word" / "… ca. tens" — a lower-case continuation is not a new sentence
    }
    const sentence = text.slice(start, end).trim();
    if (sentence) {
      sentences.push(sentence);
    }
    start = end;
  }
  const tail = text.slice(start).trim();
  if (tail) {
    sentences.push(tail);
  }
  return sentences;
}

function isSentenceEndPeriod(text: string, periodIndex: number): boolean {
  const before = text.slice(0, periodIndex);
  const word = /([\p{L}\p{N}.]+)$/u.exec(before)?.[1] ?? '';
  if (word === '') {
    return true;
  }
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) {
    return false;
  }
  if (/^\p{Lu}$/u.test(word)) {
    return false; // an initial: "J. Smith"
  }
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) {
    return false; // dotted abbreviation such as "U.S" or "a.m"
  }
  return true;
}

function limitLength(text: string): string {
  const sentences = splitSentences(text);
  let chosen = '';
  for (const sentence of sentences.slice(0, MAX_DESCRIPTION_SENTENCES)) {
    const candidate = chosen ? `${chosen} ${sentence}` : sentence;
    if (candidate.length > MAX_DESCRIPTION_LENGTH) {
      break;
    }
    chosen = candidate;
  }
  if (chosen) {
    return chosen;
  }
  return cutAtWord(sentences[0] ?? text, MAX_DESCRIPTION_LENGTH);
}

/** Cuts a too-long sentence at a word boundary and marks the cut with "…" (result ≤ max). */
function cutAtWord(sentence: string, max: number): string {
  const room = max - ELLIPSIS.length;
  let cut = sentence.slice(0, room + 1);
  const lastSpace = cut.lastIndexOf(' ');
  if (lastSpace > room * 0.5) {
    cut = cut.slice(0, lastSpace);
  } else {
    cut = cut.slice(0, room);
    if (/[\ud800-\udbff]$/.test(cut)) {
      cut = cut.slice(0, -1);
    }
  }
  cut = cut.replace(/[\s,;:(\-–—/]+$/u, '');
  return `${cut}${ELLIPSIS}`;
}
