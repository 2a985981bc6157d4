import type { PackageFacts } from './package-facts';
import { normalizeText } from '../plain-text';

export const MAX_LOCAL_DESCRIPTION_CHARS = 300;

/** How many topics the sentence names before it says "and more". */
const MAX_TOPICS = 4;

/** Titles that say where something is, not what it is about. */
const GENERIC_TITLE =
  /^(module|lesson|unit|chapter|section|part|topic|sco|page|item|course|activity|content|resource|step|screen|slide|introduction|intro|overview|summary|conclusion|start|begin|end|menu|home)(\s*[#.:\-–—]?\s*[0-9ivx]+[a-z]?)?\.?$/i;
/** Prefixes like "Module 2: " carry no topic. */
const NUMBERED_PREFIX = /^(module|lesson|unit|chapter|section|part|topic|sco)\s*[0-9ivx]+\s*[:.\-–—]\s*/i;
/** Tests are part of a course, not what it covers. */
const ASSESSMENT_TITLE = /\b(quiz|test|exam|assessment|post-?test|pre-?test)\b/i;
/** Items that only group others. */
const STRUCTURE_TITLE = /\b(wrapper|dummy|placeholder|container|untitled)\b/i;
/** Sentences from page chrome rather than teaching text. */
const NAVIGATION_TEXT =
  /\b(click|next|previous|back|continue|menu|loading|javascript|browser|cookie|copyright|all rights reserved|page \d+ of|press|scroll|button|lms|api)\b|©/i;

/**
 * A package's description before any AI or hand edit: its own LOM description when it has one, else one
 * written from its text. Upload and the CLI both start from this.
 */
export function initialDescription(facts: PackageFacts): { text: string; source: 'MANIFEST' | 'LOCAL' } {
  const fromManifest = facts.lomDescription?.trim();
  return fromManifest
    ? { text: fromManifest, source: 'MANIFEST' }
    : { text: describePackageLocally(facts), source: 'LOCAL' };
}

/**
 * One or two sentences about what the course covers, built from the package's own text:
 * the outline's topics, plus an informative sentence from the content sample when there is one.
 * Always grammatical, at most 300 characters, ending with a period.
 */
export function describePackageLocally(facts: PackageFacts): string {
  const first = describeStructure(facts);
  const second = pickContentSentence(facts.contentSample, facts.title);
  if (second && first.length + 1 + second.length <= MAX_LOCAL_DESCRIPTION_CHARS) return `${first} ${second}`;
  return first;
}

function describeStructure(facts: PackageFacts): string {
  const kind = `SCORM ${facts.scormVersion}`;
  const lessons =
    facts.scoCount > 1 ? ` in ${facts.scoCount} lessons` : facts.scoCount === 1 ? ' in a single lesson' : '';
  const topics = pickTopics(facts);
  let title = normalizeText(facts.title).replace(/[.!?…]+$/u, '') || 'This package';
  for (;;) {
    for (let count = Math.min(topics.length, MAX_TOPICS); count >= 0; count--) {
      const covering =
        count > 0 ? ` covering ${listTopics(topics.slice(0, count), topics.length > count)}` : '';
      const sentence = `${title} is a ${kind} course${lessons}${covering}.`;
      if (sentence.length <= MAX_LOCAL_DESCRIPTION_CHARS) return sentence;
    }
    // Even without topics it is too long: the title itself must give way.
    const room = MAX_LOCAL_DESCRIPTION_CHARS - `… is a ${kind} course${lessons}.`.length;
    title = `${Array.from(title).slice(0, Math.max(room, 1)).join('').trimEnd()}…`;
  }
}

/**
 * Titles of the shallowest outline level that names at least two topics (the course's parts,
 * skipping wrapper items), else every title.
 */
function pickTopics(facts: PackageFacts): string[] {
  const levels = facts.outlineLevels;
  if (levels && levels.length === facts.outline.length) {
    const deepest = Math.max(0, ...levels.slice(0, 10_000));
    for (let level = 0; level <= Math.min(deepest, 5); level++) {
      const topics = cleanTopics(
        facts.outline.filter((_, i) => levels[i] === level),
        facts.title,
      );
      if (topics.length >= 2) return topics;
    }
  }
  return cleanTopics(facts.outline, facts.title);
}

function cleanTopics(titles: string[], courseTitle: string): string[] {
  const titleKey = normalizeText(courseTitle).toLowerCase();
  const seen = new Set<string>();
  const topics: string[] = [];
  for (const raw of titles) {
    const topic = normalizeText(raw)
      .replace(NUMBERED_PREFIX, '')
      .replace(/[.:;,]+$/, '');
    const key = topic.toLowerCase();
    // A topic the title already names adds nothing ("Golf Explained" in "Golf Explained - Single SCO").
    if (!topic || topic.length > 80 || seen.has(key) || titleKey.includes(key)) continue;
    if (GENERIC_TITLE.test(topic) || ASSESSMENT_TITLE.test(topic) || STRUCTURE_TITLE.test(topic)) continue;
    if (!/\p{L}/u.test(topic)) continue;
    seen.add(key);
    topics.push(topic);
  }
  return topics;
}

/** "A", "A and B", "A, B and C", or "A, B, C and more". */
function listTopics(topics: string[], more: boolean): string {
  const items = more ? [...topics, 'more'] : topics;
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The first sentence of the sample that reads like teaching text. */
function pickContentSentence(sample: string, title: string): string | null {
  const text = normalizeText(sample);
  if (!text) return null;
  const sentences = text.match(/[^.!?。]+[.!?。]+/gu) ?? [];
  const titleKey = normalizeText(title).toLowerCase();
  for (const raw of sentences) {
    const sentence = raw.trim();
    if (sentence.length < 40 || sentence.length > 220) continue;
    if (!sentence.endsWith('.') || sentence.endsWith('..')) continue;
    if (!/^\p{Lu}/u.test(sentence) && !/^\p{Lo}/u.test(sentence)) continue;
    if (NAVIGATION_TEXT.test(sentence) || sentence.toLowerCase() === titleKey) continue;
    if (!isMostlyLetters(sentence)) continue;
    if (/\s/.test(sentence) && sentence.split(/\s+/).length < 6) continue;
    return sentence;
  }
  return null;
}

function isMostlyLetters(sentence: string): boolean {
  const visible = sentence.replace(/\s+/g, '');
  const letters = visible.match(/\p{L}/gu)?.length ?? 0;
  return letters / visible.length >= 0.8;
}
