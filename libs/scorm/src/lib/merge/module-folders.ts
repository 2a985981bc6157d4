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

/** What a module folder is named from. */
export interface ModuleFolderSource {
  title: string;
  /** The uploaded file name, whose stem names the folder when the title has no Latin letters. */
  filename?: string;
}

/**
 * Folder names from position and title (`01-golf-explained/`). The position prefix makes them
 * unique and sorts them in course order; it is at least two digits wide. A title with no Latin
 * letters ("高尔夫解说") would give `01-module/`, so the file name's stem is used instead.
 */
export function moduleFolders(modules: readonly ModuleFolderSource[]): string[] {
  const width = Math.max(2, String(modules.length).length);
  const used = new Set<string>();
  return modules.map((module, index) => {
    const base = `${String(index + 1).padStart(width, '0')}-${folderSlug(module)}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return `${name}/`;
  });
}

function folderSlug(module: ModuleFolderSource): string {
  const fromTitle = slugify(module.title);
  const latin = /[a-z]/i.test(module.title.normalize('NFKD'));
  if (latin || !module.filename) return fromTitle;
  const stem = module.filename.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const fromFile = slugify(stem);
  return fromFile !== 'module' ? fromFile : fromTitle;
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
