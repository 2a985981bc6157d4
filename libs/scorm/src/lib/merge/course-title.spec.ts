import { courseTitle, defaultCourseTitle } from './course-title';

describe('course titles', () => {
  it('counts the modules instead of naming the first one as if it were the course', () => {
    const titles = ['高尔夫解说', ...Array.from({ length: 15 }, (_, i) => `Module ${i + 2}`)];
    expect(defaultCourseTitle(titles)).toBe('Course of 16 modules');
    expect(defaultCourseTitle(['A', 'B'])).toBe('Course of 2 modules');
  });

  it("uses a single module's own title, and 'Course' when there is nothing to name", () => {
    expect(defaultCourseTitle(['  Golf   Explained '])).toBe('Golf Explained');
    expect(defaultCourseTitle([''])).toBe('Course');
    expect(defaultCourseTitle([])).toBe('Course');
  });

  it('prefers the title asked for, folded and bounded', () => {
    expect(courseTitle('  Site   safety ', ['A', 'B'])).toBe('Site safety');
    expect(courseTitle('   ', ['A', 'B'])).toBe('Course of 2 modules');
    expect(Array.from(courseTitle('😀'.repeat(300), [])).length).toBe(200);
  });
});
