import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { CourseOutline } from '@scorm-merge/scorm';

/** Bumped whenever what is saved changes shape or meaning: a file of another format is built again. */
const PREVIEW_COURSE_FORMAT = 1;

/** A course's preview as built from its manifest: what is saved beside a merged zip. */
export interface SavedPreviewCourse {
  outline: Omit<CourseOutline, 'manifestXml'>;
  launchPaths: string[];
  sequencing: string | null;
}

interface PreviewCourseFile extends SavedPreviewCourse {
  format: number;
  /** The zip it was built from, by size and modification time: a zip written again is built again. */
  zipBytes: number;
  zipModifiedMs: number;
}

/**
 * The course saved at `path` for the zip at `zipPath`, or null when there is none, it cannot be read,
 * or it was saved in another format or for another version of the zip (then it is built again).
 */
export async function readPreviewCourseFile(
  path: string,
  zipPath: string,
): Promise<SavedPreviewCourse | null> {
  let file: PreviewCourseFile;
  try {
    const [text, zip] = await Promise.all([readFile(path, 'utf8'), stat(zipPath)]);
    file = JSON.parse(text) as PreviewCourseFile;
    if (file.zipBytes !== zip.size || file.zipModifiedMs !== zip.mtimeMs) return null;
  } catch {
    return null;
  }
  if (file.format !== PREVIEW_COURSE_FORMAT || !Array.isArray(file.outline?.items)) return null;
  return { outline: file.outline, launchPaths: file.launchPaths, sequencing: file.sequencing };
}

/**
 * Saves the course built from the zip at `zipPath`, for every instance and every later start: written
 * whole under a temporary name, then renamed into place, so a reader never sees half a file.
 */
export async function writePreviewCourseFile(
  path: string,
  zipPath: string,
  course: SavedPreviewCourse,
): Promise<void> {
  const zip = await stat(zipPath);
  const file: PreviewCourseFile = {
    format: PREVIEW_COURSE_FORMAT,
    zipBytes: zip.size,
    zipModifiedMs: zip.mtimeMs,
    ...course,
  };
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(file));
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}
