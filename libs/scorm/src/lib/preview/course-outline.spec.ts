import { buildZip, removeTempFiles, writeTempFile } from '../../testing';
import { withZipArchive } from '../zip/zip-archive';
import { readCourseOutline } from './course-outline';

afterAll(() => removeTempFiles());

const MANIFEST_12 = `<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="second">
    <organization identifier="first"><title>Not the default</title><item identifier="x" identifierref="r1"><title>X</title></item></organization>
    <organization identifier="second"><title>The course</title>
      <item identifier="part"><title>Part one</title>
        <item identifier="intro" identifierref="r1" parameters="?lang=en"><title>Intro</title></item>
        <item identifier="test" identifierref="r2" isvisible="false"><title>Test</title>
          <adlcp:prerequisites type="aicc_script">intro</adlcp:prerequisites></item>
      </item>
      <item identifier="web" identifierref="r3"><title>Outside</title></item>
      <item identifier="evil" identifierref="r4"><title>Script</title></item>
      <item identifier="climb" identifierref="r5"><title>Climb</title></item>
      <item identifier="missing" identifierref="r6"><title>Missing file</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="lessons/intro page.html?a=1#top"/>
    <resource identifier="r2" type="webcontent" adlcp:scormtype="asset" xml:base="lessons/" href="test.html"/>
    <resource identifier="r3" type="webcontent" adlcp:scormtype="asset" href="https://example.com/page?q=1"/>
    <resource identifier="r4" type="webcontent" adlcp:scormtype="sco" href="javascript:alert(1)"/>
    <resource identifier="r5" type="webcontent" adlcp:scormtype="sco" href="../../etc/passwd"/>
    <resource identifier="r6" type="webcontent" adlcp:scormtype="sco" href="nowhere.html"/>
  </resources>
</manifest>`;

describe('readCourseOutline', () => {
  it('flattens the default organization with launches, types, prerequisites and visibility', async () => {
    const path = writeTempFile(
      buildZip([
        { name: 'course/imsmanifest.xml', data: MANIFEST_12 },
        { name: 'course/lessons/intro page.html', data: '<p>intro</p>' },
        { name: 'course/lessons/test.html', data: '<p>test</p>' },
      ]),
      'outline.zip',
    );
    const outline = await withZipArchive(path, {}, (archive) => readCourseOutline(archive, 1024 * 1024));
    expect(outline).toMatchObject({
      title: 'The course',
      scormVersion: '1.2',
      family: '1.2',
      rootFolder: 'course/',
    });
    expect(outline.manifestXml).toBe(MANIFEST_12);
    expect(outline.items).toEqual([
      {
        id: 'part',
        title: 'Part one',
        depth: 0,
        parentId: null,
        launch: null,
        scormType: null,
        prerequisites: null,
        isVisible: true,
      },
      {
        id: 'intro',
        title: 'Intro',
        depth: 1,
        parentId: 'part',
        launch: { kind: 'entry', path: 'lessons/intro page.html', suffix: '?a=1&lang=en#top' },
        scormType: 'sco',
        prerequisites: null,
        isVisible: true,
      },
      {
        id: 'test',
        title: 'Test',
        depth: 1,
        parentId: 'part',
        launch: { kind: 'entry', path: 'lessons/test.html', suffix: '' },
        scormType: 'asset',
        prerequisites: 'intro',
        isVisible: false,
      },
      expect.objectContaining({ id: 'web', launch: { kind: 'url', url: 'https://example.com/page?q=1' } }),
      expect.objectContaining({ id: 'evil', launch: null, scormType: 'sco' }),
      expect.objectContaining({ id: 'climb', launch: null }),
      expect.objectContaining({ id: 'missing', launch: null }),
    ]);
  });
});
