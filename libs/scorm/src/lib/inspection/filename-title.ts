import { cleanTitle } from '../plain-text';

/** A readable title from an upload's filename: "golf-cp-singlesco-12.zip" → "Golf cp singlesco 12". */
export function titleFromFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const words = cleanTitle(base.replace(/\.zip$/i, '').replace(/[-_.+]+/g, ' '));
  if (!words) return 'Untitled package';
  return words.charAt(0).toLocaleUpperCase() + words.slice(1);
}
