import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildScorm12Package,
  buildScormManifest,
  buildZip,
  removeTempFiles,
  writeTempFile,
} from '../../testing';
import { readEntryText } from '../../testing/merged-package-checks';
import { mergePackages } from './merge-packages';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'scorm-merge-menu-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));
afterAll(() => removeTempFiles());

/** A 2004 package whose manifest-level LOM is in Chinese, inline or in an adlcp:location file. */
function chinesePackage(where: 'inline' | 'file'): string {
  const page = { name: 'sco1/index.html', data: '<!DOCTYPE html><p>高尔夫</p>' };
  if (where === 'inline') {
    const manifest = buildScormManifest('2004', { lomTitle: '高尔夫解说' }).replace(
      '<string language="en">',
      '<string language="zh-CN">',
    );
    return writeTempFile(buildZip([{ name: 'imsmanifest.xml', data: manifest }, page]), 'golf-zh.zip');
  }
  const manifest = buildScormManifest('2004').replace(
    '</schemaversion>',
    '</schemaversion><adlcp:location>meta/course.xml</adlcp:location>',
  );
  const lom =
    '<lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><language>zh-Hans</language></general></lom>';
  return writeTempFile(
    buildZip([{ name: 'imsmanifest.xml', data: manifest }, page, { name: 'meta/course.xml', data: lom }]),
    'golf-zh-file.zip',
  );
}

describe('mergePackages: the course menu', () => {
  it('carries each package’s LOM language onto its title and description', async () => {
    const inputs = [
      {
        zipPath: chinesePackage('inline'),
        title: '高尔夫解说',
        description: '规则',
        filename: 'golf-zh.zip',
      },
      { zipPath: chinesePackage('file'), title: '高尔夫', description: '', filename: 'golf-zh-file.zip' },
      {
        zipPath: writeTempFile(buildScorm12Package(), 'plain.zip'),
        title: 'Plain',
        description: '',
        filename: 'plain.zip',
      },
    ];
    const result = await mergePackages(inputs, join(out, 'course.zip'), { title: 'C' });
    const menu = await readEntryText(result.outputPath, 'scorm-merge/course-menu.html');
    expect(menu).toContain('<span lang="zh-CN">高尔夫解说</span></h2>');
    expect(menu).toContain('<p class="description" lang="zh-CN">规则</p>');
    expect(menu).toContain('<span lang="zh-Hans">高尔夫</span></h2>');
    expect(menu).toContain('<span>Plain</span></h2>');
    // Non-Latin titles name their folders after the uploaded file.
    expect(result.modules.map((module) => module.folder)).toEqual([
      '01-golf-zh/',
      '02-golf-zh-file/',
      '03-plain/',
    ]);
  });

  it('tells apart modules with the same title by position and file name', async () => {
    const zip = writeTempFile(buildScorm12Package(), 'golf.zip');
    const title = 'Golf Explained - CP Single SCO';
    const inputs = ['golf-cp-singlesco-12.zip', 'golf-a.zip', 'golf-b.zip'].map((filename) => ({
      zipPath: zip,
      title,
      description: '',
      filename,
    }));
    const result = await mergePackages(inputs, join(out, 'same.zip'), { title: 'C' });
    const menu = await readEntryText(result.outputPath, 'scorm-merge/course-menu.html');
    expect(menu).toContain('>Module 1, golf-cp-singlesco-12.zip</p>');
    expect(menu).toContain('>Module 2, golf-a.zip</p>');
    expect(menu).toContain('>Module 3, golf-b.zip</p>');
  });
});
