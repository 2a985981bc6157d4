/**
 * The package file a content URL names: the path after the capability segment, each segment
 * percent-decoded. Null for anything that could leave the package's folder or name no file: `.`
 * or `..` segments, empty segments, encoded slashes, backslashes or NULs, or bad encoding.
 */
export function entryPathFromUrl(rawPath: string): string | null {
  const segments = rawPath.split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let name: string;
    try {
      name = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) return null;
    decoded.push(name);
  }
  return decoded.length > 0 ? decoded.join('/') : null;
}
