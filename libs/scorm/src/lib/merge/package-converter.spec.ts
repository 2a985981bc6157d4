import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZip, removeTempFiles, writeTempFile } from '../../testing';
import { mergePackages } from './merge-packages';
import { inspectMergedManifest, readManifestText } from '../../testing/merged-package-checks';

/** Invalid by the XSD (one ID space), yet seen in the wild: an item and its resource share an id. */
const SHARED_ID_MANIFEST = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Shared ids</title>
      <item identifier="lesson" identifierref="lesson"><title>Lesson</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="lesson" type="webcontent" adlcp:scormtype="sco" href="index.html"><file href="index.html"/></resource>
  </resources>
</manifest>`;

describe('package conversion', () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(join(tmpdir(), 'scorm-convert-'))));
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    removeTempFiles();
  });

  it('resolves an identifierref to the resource even when an item carries the same id', async () => {
    const zip = writeTempFile(
      buildZip([
        { name: 'imsmanifest.xml', data: SHARED_ID_MANIFEST },
        { name: 'index.html', data: '<html><body>Lesson</body></html>' },
      ]),
      'shared-ids.zip',
    );
    const output = join(out, 'merged.zip');
    const result = await mergePackages([{ zipPath: zip, title: 'Shared ids', description: '' }], output, {
      title: 'Course',
      includeMenu: false,
    });
    const facts = inspectMergedManifest(await readManifestText(output));
    expect(facts.danglingRefs).toEqual([]);
    expect(facts.scoItems.map((item) => item.title)).toEqual(['Lesson']);
    expect(result.scoCount).toBe(1);
  });
});
