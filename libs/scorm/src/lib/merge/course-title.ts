/** Longest course title kept, in code points. */
export const MAX_COURSE_TITLE_CHARS = 200;
/** Longest part of the first module's title in a default course title. */
const MAX_FIRST_TITLE_CHARS = 120;

/**
 * The merged course's title: the one asked for, whitespace folded and bounded, or one made from the
 * module titles. The server and the CLI both call this, so both make the same course.
 */
export function courseTitle(requested: string | null | undefined, moduleTitles: readonly string[]): string {
  const asked = truncateCodePoints((requested ?? '').replace(/\s+/g, ' ').trim(), MAX_COURSE_TITLE_CHARS);
  return asked || defaultCourseTitle(moduleTitles);
}

export function defaultCourseTitle(moduleTitles: readonly string[]): string {
  const first = truncateCodePoints(moduleTitles[0] ?? 'Course', MAX_FIRST_TITLE_CHARS);
  return moduleTitles.length <= 1 ? first : `${first} and ${moduleTitles.length - 1} more`;
}

/** Cuts by code points, so no astral character is split into a lone surrogate. */
function truncateCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('');
}
