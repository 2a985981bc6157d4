import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SCORM12_SCHEMA_FILES, SCORM2004_4TH_SCHEMA_FILES } from './schema-files.generated';

function listFiles(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) =>
      statSync(join(folder, name)).isDirectory() ? listFiles(join(folder, name)) : [join(folder, name)],
    );
}

describe('schema-files.generated.ts', () => {
  it.each([
    ['scorm12', SCORM12_SCHEMA_FILES],
    ['scorm2004-4th', SCORM2004_4TH_SCHEMA_FILES],
  ] as const)(
    'holds exactly the files in schemas/%s (regenerate with generate-schema-module.mjs)',
    (folder, files) => {
      const root = join(__dirname, folder);
      const onDisk = listFiles(root).map((path) => ({
        name: relative(root, path).split('\\').join('/'),
        text: readFileSync(path, 'latin1'),
      }));
      expect(files).toEqual(onDisk);
    },
  );

  it('ships the schema files an LMS expects at the package root', () => {
    expect(SCORM12_SCHEMA_FILES.map((file) => file.name)).toEqual([
      'adlcp_rootv1p2.xsd',
      'ims_xml.xsd',
      'imscp_rootv1p1p2.xsd',
      'imsmd_rootv1p2p1.xsd',
    ]);
    expect(SCORM2004_4TH_SCHEMA_FILES.map((file) => file.name)).toEqual(
      expect.arrayContaining([
        'imscp_v1p1.xsd',
        'adlcp_v1p3.xsd',
        'adlseq_v1p3.xsd',
        'adlnav_v1p3.xsd',
        'imsss_v1p0.xsd',
        'lom.xsd',
        'xml.xsd',
        'vocab/adlmd_vocabv1p0.xsd',
      ]),
    );
  });
});
