import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readPreviewCourseFile,
  writePreviewCourseFile,
  type SavedPreviewCourse,
} from './preview-course-file';

const course: SavedPreviewCourse = {
  outline: {
    title: 'Курс 1',
    scormVersion: '2004 4th Edition',
    family: '2004',
    rootFolder: '',
    items: [
      {
        id: 'menu',
        title: 'Course menu',
        depth: 0,
        parentId: null,
        launch: { kind: 'entry', path: 'scorm-merge/course-menu.html', suffix: '?a=1' },
        scormType: 'sco',
        prerequisites: null,
        isVisible: true,
      },
    ],
  },
  launchPaths: ['scorm-merge/course-menu.html'],
  sequencing: '{"activityTree":{"id":"root"}}',
};

describe('the saved preview course of a merged zip', () => {
  let dir: string;
  let zip: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'preview-course-'));
    zip = join(dir, 'merge.zip');
    file = `${zip}.preview.json`;
    writeFileSync(zip, 'PK zip bytes');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back exactly what was saved, and leaves no temporary file', async () => {
    await writePreviewCourseFile(file, zip, course);
    expect(await readPreviewCourseFile(file, zip)).toEqual(course);
    expect(readdirSync(dir).sort()).toEqual(['merge.zip', 'merge.zip.preview.json']);
  });

  it('is null when nothing was saved', async () => {
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
  });

  it('is null once the zip was written again (another size or time): the course is built again', async () => {
    await writePreviewCourseFile(file, zip, course);
    writeFileSync(zip, 'PK other zip bytes');
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
    await writePreviewCourseFile(file, zip, course);
    utimesSync(zip, new Date(), new Date(Date.now() + 5000));
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
  });

  it('is null for a file in another format, a broken file, or a zip that is gone', async () => {
    await writePreviewCourseFile(file, zip, course);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...saved, format: 999 }));
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
    writeFileSync(file, JSON.stringify({ ...saved, outline: null }));
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
    writeFileSync(file, '{"format":1,"outl');
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
    await writePreviewCourseFile(file, zip, course);
    rmSync(zip);
    expect(await readPreviewCourseFile(file, zip)).toBeNull();
  });
});
