// Hand-written packages for the merge tests: they carry the markup the merge must keep or rewrite.
// Test support only: nothing in the library imports this file.
import { deflateRawSync } from 'node:zlib';
import { buildScorm12Package, buildScorm2004Package, buildZip, writeTempFile } from './index';

/** A tiny PNG (binary content that must survive byte for byte). */
export const PNG_BYTES = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/** A page that initialises and terminates against the SCORM 1.2 API, as 1.2 SCOs do. */
export function scorm12Page(title: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title><script>
function findAPI(w){var n=0;while(w&&!w.API&&w.parent&&w.parent!==w&&n<500){n++;w=w.parent;}return w&&w.API?w.API:null;}
var api=findAPI(window)||(window.opener?findAPI(window.opener):null);
if(api){api.LMSInitialize('');api.LMSSetValue('cmi.core.lesson_status','completed');api.LMSSetValue('cmi.core.session_time','0000:00:05.00');api.LMSCommit('');}
window.addEventListener('unload',function(){if(api){api.LMSFinish('');}});
</script></head><body><h1>${title}</h1><p>SCORM 1.2 page.</p></body></html>`;
}

/** A page that initialises and terminates against the SCORM 2004 API. */
export function scorm2004Page(title: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title><script>
function findAPI(w){var n=0;while(w&&!w.API_1484_11&&w.parent&&w.parent!==w&&n<500){n++;w=w.parent;}return w&&w.API_1484_11?w.API_1484_11:null;}
var api=findAPI(window)||(window.opener?findAPI(window.opener):null);
if(api){api.Initialize('');api.SetValue('cmi.completion_status','completed');api.SetValue('cmi.session_time','PT5S');api.Commit('');}
window.addEventListener('unload',function(){if(api){api.Terminate('');}});
</script></head><body><h1>${title}</h1><p>SCORM 2004 page.</p></body></html>`;
}

/**
 * SCORM 1.2, wrapped in a folder, with every 1.2 item extension, a non-leaf item that launches a
 * SCO, prerequisites naming item ids, a query string on a launch href, inline LOM, stored and
 * deflated entries, a directory entry and macOS junk. 4 SCO items.
 */
export function buildRichScorm12Package(): Buffer {
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.safety" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
    <imsmd:lom><imsmd:general><imsmd:title><imsmd:langstring xml:lang="en">Safety basics</imsmd:langstring></imsmd:title></imsmd:general></imsmd:lom>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Safety basics</title>
      <item identifier="intro" identifierref="res_intro" parameters="?part=1">
        <title>Introduction</title>
        <adlcp:prerequisites type="aicc_script"></adlcp:prerequisites>
        <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>
        <adlcp:timelimitaction>exit,message</adlcp:timelimitaction>
        <adlcp:datafromlms>level=1</adlcp:datafromlms>
        <adlcp:masteryscore>80</adlcp:masteryscore>
      </item>
      <item identifier="parent" identifierref="res_quiz" isvisible="true">
        <title>Quiz with parts</title>
        <item identifier="child" identifierref="res_quiz" isvisible="false">
          <title>Hidden part</title>
        </item>
      </item>
      <item identifier="final" identifierref="res_quiz">
        <title>Final test</title>
        <adlcp:prerequisites type="aicc_script">intro &amp; child</adlcp:prerequisites>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res_intro" type="webcontent" adlcp:scormtype="sco" href="intro/index.html?lang=en">
      <file href="intro/index.html"/>
      <file href="intro/pic.png"/>
      <dependency identifierref="common"/>
    </resource>
    <resource identifier="res_quiz" type="webcontent" adlcp:scormtype="sco" href="quiz.html">
      <file href="quiz.html"/>
    </resource>
    <resource identifier="common" type="webcontent" adlcp:scormtype="asset">
      <file href="shared/notes.txt"/>
    </resource>
  </resources>
</manifest>`;
  return buildZip([
    { name: 'safety/', data: '', method: 'store' },
    { name: 'safety/imsmanifest.xml', data: manifest },
    { name: 'safety/intro/index.html', data: scorm12Page('Introduction') },
    { name: 'safety/intro/pic.png', data: PNG_BYTES, method: 'store' },
    { name: 'safety/quiz.html', data: scorm12Page('Quiz') },
    { name: 'safety/shared/notes.txt', data: 'Shared notes, stored uncompressed.\n', method: 'store' },
    { name: '__MACOSX/safety/._quiz.html', data: 'junk' },
  ]);
}

/**
 * SCORM 2004 4th Edition with a sequencing collection, IDRefs, a global objective, shared data,
 * completionThreshold, presentation, organization sequencing, xml:base on resources and a
 * launch href with a query string and fragment. Two SCO items. Merging it twice must not collide.
 */
export function buildRichScorm2004Package(): Buffer {
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="com.example.seq" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
    <adlcp:location>meta/course.xml</adlcp:location>
  </metadata>
  <organizations default="org">
    <organization identifier="org" adlseq:objectivesGlobalToSystem="false">
      <title>Sequenced course</title>
      <item identifier="item1" identifierref="res1">
        <title>Lesson one</title>
        <adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8" progressWeight="1"/>
        <imsss:sequencing IDRef="rules">
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="obj1">
              <imsss:mapInfo targetObjectiveID="urn:example:shared" writeSatisfiedStatus="true"/>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
        <adlnav:presentation><adlnav:navigationInterface><adlnav:hideLMSUI>continue</adlnav:hideLMSUI></adlnav:navigationInterface></adlnav:presentation>
        <adlcp:data><adlcp:map targetID="urn:example:notes" readSharedData="true" writeSharedData="true"/></adlcp:data>
      </item>
      <item identifier="item2" identifierref="res2">
        <title>Lesson two</title>
        <imsss:sequencing IDRef="rules"/>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="res1" type="webcontent" adlcp:scormType="sco" xml:base="one/" href="index.html?x=1#top">
      <file href="index.html"/>
    </resource>
    <resource identifier="res2" type="webcontent" adlcp:scormType="sco" href="two.html">
      <file href="two.html"/>
      <dependency identifierref="res1"/>
    </resource>
  </resources>
  <imsss:sequencingCollection>
    <imsss:sequencing ID="rules"><imsss:deliveryControls completionSetByContent="true"/></imsss:sequencing>
  </imsss:sequencingCollection>
</manifest>`;
  return buildZip([
    { name: 'imsmanifest.xml', data: manifest },
    { name: 'content/one/index.html', data: scorm2004Page('Lesson one') },
    { name: 'content/two.html', data: scorm2004Page('Lesson two') },
    { name: 'meta/course.xml', data: '<?xml version="1.0"?><lom xmlns="http://ltsc.ieee.org/xsd/LOM"/>' },
    { name: 'content/big.bin', data: deflateRawSync(Buffer.alloc(200_000, 7)), method: 'store' },
  ]);
}

/** Just the script and text of a page, for the fixture builders' `text` option (a page body). */
function bodyOf(page: string): string {
  const script = /<script>[\s\S]*<\/script>/.exec(page)?.[0] ?? '';
  return `${script}<p>${/<h1>(.*?)<\/h1>/.exec(page)?.[1] ?? ''}</p>`;
}

/** A plain 1.2 package whose pages call the 1.2 API; the title carries markup on purpose. */
export function buildSimpleScorm12Package(): Buffer {
  return buildScorm12Package({
    title: 'Plain <b>1.2</b>',
    scos: [
      { title: 'Page A', href: 'a.html', text: bodyOf(scorm12Page('Page A')) },
      { title: 'Page B', href: 'b.html', text: bodyOf(scorm12Page('Page B')) },
    ],
  });
}

/** A plain 2004 3rd Edition package whose page calls the 2004 API. */
export function buildSimpleScorm2004Package(): Buffer {
  return buildScorm2004Package({
    title: 'Plain 2004',
    scos: [{ title: 'Page C', href: 'c.html', text: bodyOf(scorm2004Page('Page C')) }],
  });
}

export interface FixtureFiles {
  rich12: string;
  rich2004: string;
  simple12: string;
  simple2004: string;
}

/** Writes the fixtures to temp files (remove them with removeTempFiles). */
export function writeFixtureFiles(): FixtureFiles {
  return {
    rich12: writeTempFile(buildRichScorm12Package(), 'safety.zip'),
    rich2004: writeTempFile(buildRichScorm2004Package(), 'sequenced.zip'),
    simple12: writeTempFile(buildSimpleScorm12Package(), 'plain12.zip'),
    simple2004: writeTempFile(buildSimpleScorm2004Package(), 'plain2004.zip'),
  };
}
