import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildZip, removeTempFiles, writeTempFile } from '../../testing';
import { FileSink } from '../zip/file-sink';
import { MergeError, type MergeInput, type MergeProgressEvent } from './merge-types';
import { mergePackages } from './merge-packages';
import { expectSoundMerge } from '../../testing/merge-assertions';
import { writeFixtureFiles, type FixtureFiles } from '../../testing/merge-fixtures';
import {
  inspectMergedManifest,
  readEntryText,
  readManifestText,
  readStoredEntries,
} from '../../testing/merged-package-checks';

let files: FixtureFiles;
let out: string;

beforeAll(() => {
  files = writeFixtureFiles();
});
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'scorm-merge-out-'));
});
afterEach(() => {
  rmSync(out, { recursive: true, force: true });
  jest.restoreAllMocks();
});
afterAll(() => removeTempFiles());

const input = (zipPath: string, title: string, description = `About ${title}.`): MergeInput => ({
  zipPath,
  title,
  description,
});

describe('mergePackages: SCORM 1.2 only', () => {
  it('writes a valid SCORM 1.2 package hanging from a non-launchable root item', async () => {
    const inputs = [input(files.rich12, 'Safety basics'), input(files.simple12, 'Plain pages')];
    const result = await mergePackages(inputs, join(out, 'course.zip'), { title: 'Onboarding' });

    expect(result.scormVersion).toBe('1.2');
    const report = await expectSoundMerge(result, inputs);
    expect(report.scoItemsOut).toBe(4 + 2 + 1);

    const manifest = await readManifestText(result.outputPath);
    const organization =
      /<organization identifier="merge_organization">\s*<title>Onboarding<\/title>\s*<item identifier="merge_root">/;
    expect(manifest).toMatch(organization);
    expect(manifest).not.toMatch(/<item identifier="merge_root"[^>]*identifierref/);
    // 1.2 extensions kept, the literal adlcp prefix and the 1.2 spelling of scormtype.
    expect(manifest).toContain('<adlcp:masteryscore>80</adlcp:masteryscore>');
    expect(manifest).toContain('<adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>');
    expect(manifest).toContain('<adlcp:timelimitaction>exit,message</adlcp:timelimitaction>');
    expect(manifest).toContain('<adlcp:datafromlms>level=1</adlcp:datafromlms>');
    expect(manifest).toContain('adlcp:scormtype="sco"');
    expect(manifest).not.toContain('scormType');
    expect(manifest).toContain('xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"');
    // Item ids inside prerequisites follow the prefixed identifiers.
    expect(manifest).toContain(
      '<adlcp:prerequisites type="aicc_script">p01_intro &amp; p01_child</adlcp:prerequisites>',
    );
    // parameters, isvisible, query strings, the non-leaf SCO item (legal in 1.2) are kept.
    expect(manifest).toContain(
      '<item identifier="p01_intro" identifierref="p01_res_intro" parameters="?part=1">',
    );
    expect(manifest).toContain(
      '<item identifier="p01_child" isvisible="false" identifierref="p01_res_quiz">',
    );
    expect(manifest).toMatch(
      /<item identifier="p01_parent" isvisible="true" identifierref="p01_res_quiz">\s*<title>Quiz with parts<\/title>\s*<item/,
    );
    expect(manifest).toContain('href="01-safety-basics/intro/index.html?lang=en"');
    // Package metadata moves onto its module item; the merged manifest has its own LOM.
    expect(manifest).toContain('<imsmd:langstring xml:lang="en">Safety basics</imsmd:langstring>');
    expect(manifest).toMatch(/<imsmd:title>\s*<imsmd:langstring>Onboarding<\/imsmd:langstring>/);

    // The wrapper folder and macOS junk are gone; the package's own manifest is not copied.
    const names = [...(await readStoredEntries(result.outputPath)).keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'imsmanifest.xml',
        'imscp_rootv1p1p2.xsd',
        'adlcp_rootv1p2.xsd',
        'imsmd_rootv1p2p1.xsd',
        'ims_xml.xsd',
      ]),
    );
    expect(names).toContain('01-safety-basics/intro/pic.png');
    expect(
      names.filter((name) => name.includes('MACOSX') || name.startsWith('01-safety-basics/imsmanifest')),
    ).toEqual([]);
    expect(names.some((name) => name.startsWith('scorm-merge/scorm12-adapter'))).toBe(false);

    // The 1.2 menu points to the LMS outline and has no choice buttons.
    const menu = await readEntryText(result.outputPath, 'scorm-merge/course-menu.html');
    expect(menu).toContain('course outline');
    expect(menu).not.toContain('<button');
    expect(menu).toContain("findScormApi('API')");
  });
});

describe('mergePackages: SCORM 2004 only', () => {
  it('merges sequencing collections and prefixes ids, global objectives and shared data per package', async () => {
    const inputs = [
      input(files.rich2004, 'Sequenced A'),
      input(files.rich2004, 'Sequenced B'),
      input(files.simple2004, 'Plain 2004'),
    ];
    const result = await mergePackages(inputs, join(out, 'course.zip'), {
      title: 'Sequenced',
      identifier: 'course.id',
    });

    expect(result.scormVersion).toBe('2004 4th Edition');
    expect(result.identifier).toBe('course.id');
    await expectSoundMerge(result, inputs);

    const manifest = await readManifestText(result.outputPath);
    expect(manifest.match(/<imsss:sequencingCollection>/g)).toHaveLength(1);
    expect(manifest).toContain('<imsss:sequencing ID="p01_rules">');
    expect(manifest).toContain('<imsss:sequencing ID="p02_rules">');
    expect(manifest).toContain('<imsss:sequencing IDRef="p02_rules">');
    expect(manifest).toContain('targetObjectiveID="p01.urn:example:shared"');
    expect(manifest).toContain('targetObjectiveID="p02.urn:example:shared"');
    expect(manifest).toContain('<adlcp:map targetID="p02.urn:example:notes"');
    expect(manifest).toContain('adlseq:objectivesGlobalToSystem="false"');
    expect(manifest).toContain(
      '<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8" progressWeight="1"/>',
    );
    expect(manifest).toContain('<adlnav:hideLMSUI>continue</adlnav:hideLMSUI>');
    // xml:base folded into the hrefs, query string and fragment kept; metadata follows its file.
    expect(manifest).not.toContain('xml:base');
    expect(manifest).toContain('href="01-sequenced-a/content/one/index.html?x=1#top"');
    expect(manifest).toContain('<file href="02-sequenced-b/content/two.html"/>');
    expect(manifest).toContain('<adlcp:location>02-sequenced-b/meta/course.xml</adlcp:location>');
    expect(manifest).toContain('adlcp:scormType="sco"');
    expect(manifest).not.toContain('scormtype');
    // The package's own organization sequencing sits on its module item.
    expect(manifest).toMatch(
      /<title>Lesson two<\/title>[\s\S]*?<imsss:controlMode choice="true" flow="true"\/>\s*<\/imsss:sequencing>\s*<\/item>/,
    );

    const names = [...(await readStoredEntries(result.outputPath)).keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        'imscp_v1p1.xsd',
        'adlcp_v1p3.xsd',
        'imsss_v1p0.xsd',
        'lom.xsd',
        'xml.xsd',
        'common/anyElement.xsd',
      ]),
    );

    const menu = await readEntryText(result.outputPath, 'scorm-merge/course-menu.html');
    expect(menu).toContain('data-target="p01_module"');
    expect(menu).toContain("'{target=' + target + '}choice'");
    expect(result.modules.map((module) => module.folder)).toEqual([
      '01-sequenced-a/',
      '02-sequenced-b/',
      '03-plain-2004/',
    ]);
    expect(result.modules[0]).toMatchObject({
      identifier: 'p01_module',
      scoCount: 2,
      items: ['Lesson one', 'Lesson two'],
    });
  });
});

describe('mergePackages: mixed 1.2 and 2004', () => {
  it('writes SCORM 2004 4th Edition and launches 1.2 SCOs through the adapter page', async () => {
    const inputs = [
      input(files.rich12, 'Safety basics'),
      input(files.rich2004, 'Sequenced'),
      input(files.simple12, 'Plain pages'),
    ];
    const result = await mergePackages(inputs, join(out, 'course.zip'), { title: 'Mixed' });

    expect(result.scormVersion).toBe('2004 4th Edition');
    await expectSoundMerge(result, inputs);
    const manifest = await readManifestText(result.outputPath);
    const facts = inspectMergedManifest(manifest);

    // 1.2 SCO resources launch the adapter, keep their files and depend on the adapter asset.
    expect(manifest).toMatch(
      /<resource identifier="p01_res_intro" type="webcontent" adlcp:scormType="sco" href="scorm-merge\/scorm12-adapter.html\?sco=p01_res_intro">\s*<file href="01-safety-basics\/intro\/index.html"\/>\s*<file href="01-safety-basics\/intro\/pic.png"\/>\s*<dependency identifierref="p01_common"\/>\s*<dependency identifierref="merge_scorm12_adapter"\/>/,
    );
    expect(manifest).toContain(
      '<resource identifier="p02_res1" type="webcontent" adlcp:scormType="sco" href="02-sequenced/content/one/index.html?x=1#top">',
    );
    const adapter = await readEntryText(result.outputPath, 'scorm-merge/scorm12-adapter.html');
    expect(adapter).toContain('"p01_res_intro":"../01-safety-basics/intro/index.html?lang=en"');
    expect(adapter).toContain('window.API = adapter');

    // masteryscore → primary objective threshold; the other 1.2 item extensions in 2004 form.
    // "intro" is a prerequisite of "final", so its primary objective also writes its status.
    expect(manifest).toMatch(
      /<imsss:primaryObjective objectiveID="urn:scorm-merge:lesson-status" satisfiedByMeasure="true">\s*<imsss:minNormalizedMeasure>0.8<\/imsss:minNormalizedMeasure>\s*<imsss:mapInfo targetObjectiveID="p01.lesson-status.p01_intro"/,
    );
    expect(manifest).toContain('<imsss:limitConditions attemptAbsoluteDurationLimit="PT30M"/>');
    expect(manifest).toContain('<adlcp:timeLimitAction>exit,message</adlcp:timeLimitAction>');
    expect(manifest).toContain('<adlcp:dataFromLMS>level=1</adlcp:dataFromLMS>');
    expect(manifest).not.toMatch(/masteryscore|adlcp:prerequisites|adlcp_rootv1p2/);
    // "intro & child" became disabled rules on "final", so no warning about them.
    expect(manifest).toMatch(
      /<item identifier="p01_final" identifierref="p01_res_quiz">\s*<title>Final test<\/title>\s*<imsss:sequencing>\s*<imsss:sequencingRules>(\s*<imsss:preConditionRule>[\s\S]*?<\/imsss:preConditionRule>){2}\s*<\/imsss:sequencingRules>/,
    );
    expect(result.warnings.join(' ')).not.toMatch(/prerequisites/);
    // Only leaves launch in 2004: the 1.2 non-leaf SCO item became a cluster with a content leaf.
    expect(manifest).toMatch(
      /<item identifier="p01_parent" isvisible="true">\s*<title>Quiz with parts<\/title>\s*<item identifier="p01_parent_content" identifierref="p01_res_quiz">/,
    );
    expect(result.modules[0].items).toEqual(['Introduction', 'Quiz with parts', 'Hidden part', 'Final test']);
    // Inline 1.2 LOM cannot sit in a 2004 manifest: it moved to a file in the module's folder.
    expect(manifest).toContain(
      '<adlcp:location>01-safety-basics/imsmanifest-metadata-1.xml</adlcp:location>',
    );
    expect(await readEntryText(result.outputPath, '01-safety-basics/imsmanifest-metadata-1.xml')).toContain(
      '<langstring xml:lang="en">Safety basics</langstring>',
    );
    expect(result.warnings.join(' ')).toMatch(
      /1 inline metadata record was moved into files in the module's folder, because the SCORM 2004 schemas could reject them \(LOM in the namespace http:\/\/www.imsglobal.org\/xsd\/imsmd_rootv1p2p1/,
    );
    expect(facts.scoItems[0]).toEqual({ identifier: 'merge_menu', title: 'Course menu' });
  });
});

describe('mergePackages: options, untrusted text and progress', () => {
  it('leaves the menu out when asked', async () => {
    const inputs = [input(files.simple2004, 'Only one')];
    const result = await mergePackages(inputs, join(out, 'course.zip'), {
      title: 'No menu',
      includeMenu: false,
    });
    await expectSoundMerge(result, inputs);
    expect(result.hasMenu).toBe(false);
    expect(result.scoCount).toBe(1);
    expect((await readStoredEntries(result.outputPath)).has('scorm-merge/course-menu.html')).toBe(false);
  });

  it('escapes titles and descriptions everywhere and keeps folder names ASCII and bounded', async () => {
    const evil = '<script>alert("x")</script> Ünïcode & “quotes” \u0007';
    const inputs = [input(files.simple12, evil, '<img src=x onerror=alert(1)> & more')];
    const result = await mergePackages(inputs, join(out, 'course.zip'), {
      title: '</title><script>bad()</script>',
    });
    const menu = await readEntryText(result.outputPath, 'scorm-merge/course-menu.html');
    expect(menu).not.toMatch(/<script>alert|<img src=x|<script>bad/);
    expect(menu).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(menu).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; more');
    const manifest = await readManifestText(result.outputPath);
    expect(manifest).toContain(
      '<title>&lt;script&gt;alert("x")&lt;/script&gt; Ünïcode &amp; “quotes”</title>',
    );
    expect(result.modules[0].folder).toBe('01-script-alert-x-script-unicode-quotes/');
  });

  it('reports monotonic progress that ends at 100', async () => {
    const events: MergeProgressEvent[] = [];
    await mergePackages(
      [input(files.rich2004, 'A'), input(files.rich12, 'B')],
      join(out, 'course.zip'),
      { title: 'P' },
      {
        onProgress: (event) => events.push(event),
      },
    );
    const values = events.map((event) => event.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values[0]).toBe(0);
    expect(events.at(-1)).toEqual({ step: 'Done', progress: 100 });
    expect(events.some((event) => event.step.startsWith('Copying “B” (2 of 2)'))).toBe(true);
  });
});

describe('mergePackages: bad input and failures', () => {
  const leftovers = () => readdirSync(out);

  it('refuses an empty list', async () => {
    await expect(mergePackages([], join(out, 'course.zip'), { title: 'T' })).rejects.toMatchObject({
      code: 'NO_INPUT',
      message: 'There are no packages to merge; add at least one.',
    });
  });

  it('names a package whose file is missing, and leaves nothing behind', async () => {
    const inputs = [
      input(files.simple12, 'Here'),
      { ...input(join(out, 'gone.zip'), 'Golf Explained'), filename: 'golf.zip' },
    ];
    const error = await mergePackages(inputs, join(out, 'course.zip'), { title: 'T' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MergeError);
    expect(error).toMatchObject({ code: 'PACKAGE_MISSING' });
    expect((error as Error).message).toBe(
      'The package file for “Golf Explained” (position 2, file “golf.zip”) is missing on the server; remove the package and upload it again.',
    );
    expect((error as Error).message).not.toContain(out);
    expect(leftovers()).toEqual([]);
  });

  it('names a package that is not a valid SCORM package', async () => {
    const broken = writeTempFile(buildZip([{ name: 'readme.txt', data: 'no manifest' }]), 'broken.zip');
    const error = await mergePackages([input(broken, 'Broken one')], join(out, 'course.zip'), {
      title: 'T',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PACKAGE_INVALID' });
    expect((error as Error).message).toBe(
      'The package “Broken one” (position 1) cannot be merged: The zip has no imsmanifest.xml, so it is not a SCORM package.',
    );
  });

  it('reports a folder it cannot write to', async () => {
    const error = await mergePackages([input(files.simple12, 'A')], join(out, 'missing-dir', 'course.zip'), {
      title: 'T',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: 'The merged package could not be written (ENOENT).',
    });
  });

  it('reports a full disk and removes the partial file', async () => {
    let calls = 0;
    const original = FileSink.prototype.write;
    jest.spyOn(FileSink.prototype, 'write').mockImplementation(async function (
      this: FileSink,
      chunk: Buffer,
    ) {
      if (++calls > 3)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return original.call(this, chunk);
    });
    const error = await mergePackages([input(files.rich2004, 'A')], join(out, 'course.zip'), {
      title: 'T',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'WRITE_FAILED',
      message: 'The merged package could not be written: the disk is full.',
    });
    expect(leftovers()).toEqual([]);
  });

  it('stops when aborted and removes the partial file', async () => {
    const controller = new AbortController();
    const error = await mergePackages(
      [input(files.rich2004, 'A'), input(files.rich12, 'B')],
      join(out, 'course.zip'),
      { title: 'T' },
      {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.step.startsWith('Copying')) controller.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED', message: 'The merge was cancelled.' });
    expect(leftovers()).toEqual([]);
    expect(existsSync(join(out, 'course.zip'))).toBe(false);
  });
});
