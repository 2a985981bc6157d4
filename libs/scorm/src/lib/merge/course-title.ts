/** Longest course title kept, in code points. */
export const MAX_COURSE_TITLE_CHARS = 200;

/**
 * The merged course's title: the one asked for, whitespace folded and bounded, or one made from the
 * module titles. The server and the CLI both call this, so both make the same course.
 */
export function courseTitle(requested: string | null | undefined, moduleTitles: readonly string[]): string {
  const asked = truncateCodePoints((requested ?? '').replace(/\s+/g, ' ').trim(), MAX_COURSE_TITLE_CHARS);
  return asked || defaultCourseTitle(moduleTitles);
}

/**
 * One module: its own title. Several: "Course of 16 modules", which names no one module as if it were
 * the course and stays readable as an ASCII download name whatever script the titles are in.
 */
export function defaultCourseTitle(moduleTitles: readonly string[]): string {
  if (moduleTitles.length > 1) return `Course of ${moduleTitles.length} modules`;
  const only = truncateCodePoints(
    (moduleTitles[0] ?? '').replace(/\s+/g, ' ').trim(),
    MAX_COURSE_TITLE_CHARS,
  );
  return only || 'Course';
}

/** Cuts by code points, so no astral character is split into a lone surrogate. */
function truncateCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join('');
}
