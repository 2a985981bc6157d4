/** Longest slug part of a module folder name, so paths stay short on every LMS and OS. */
export const MAX_SLUG_LENGTH = 40;

/**
 * An ASCII slug for a folder name: accents folded, anything else turned into single dashes,
 * cut at a word boundary. Empty input gives 'module'.
 */
export function slugify(title: string, maxLength = MAX_SLUG_LENGTH): string {
  const folded = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let slug = folded;
  if (slug.length > maxLength) {
    const cut = slug.slice(0, maxLength + 1);
    const lastDash = cut.lastIndexOf('-');
    slug = (lastDash >= maxLength / 2 ? cut.slice(0, lastDash) : cut.slice(0, maxLength)).replace(/-+$/, '');
  }
  return slug || 'module';
}

/**
 * Folder names from position and title (`01-golf-explained/`). The position prefix makes them
 * unique and sorts them in course order; it is at least two digits wide.
 */
export function moduleFolders(titles: readonly string[]): string[] {
  const width = Math.max(2, String(titles.length).length);
  const used = new Set<string>();
  return titles.map((title, index) => {
    const base = `${String(index + 1).padStart(width, '0')}-${slugify(title)}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return `${name}/`;
  });
}

/** Every package's identifiers get this prefix (`p01_`), which keeps them valid XML names. */
export function identifierPrefix(index: number, count: number): string {
  const width = Math.max(2, String(count).length);
  return `p${String(index + 1).padStart(width, '0')}`;
}

const ZIP_NAME_MAX_BYTES = 0xffff;

/**
 * The path of an entry inside its module folder, or null when it must not be written:
 * no absolute paths, no backslashes, no `..`, no control characters, no empty names.
 */
export function sanitizeEntryPath(relativeName: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(relativeName)) return null;
  const segments: string[] = [];
  for (const segment of relativeName.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return null;
    segments.push(segment);
  }
  if (segments.length === 0) return null;
  if (/^[a-z]:$/i.test(segments[0])) return null;
  const path = segments.join('/');
  return Buffer.byteLength(path, 'utf8') > ZIP_NAME_MAX_BYTES - 256 ? null : path;
}
