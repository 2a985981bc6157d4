import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildScorm12PrerequisitePackage,
  buildScorm2004Package,
  PREREQUISITE_SHAPES,
  removeTempFiles,
  writeTempFile,
} from '../../testing';
import { expectSoundMerge } from '../../testing/merge-assertions';
import { readManifestText } from '../../testing/merged-package-checks';
import { mergePackages } from './merge-packages';
import type { MergeInput, MergeResult } from './merge-types';

/** The merged item element's markup, from its start tag to its end tag (leaf items only). */
function itemMarkup(manifest: string, id: string): string {
  const start = manifest.indexOf(`<item identifier="${id}"`);
  if (start === -1) throw new Error(`no item ${id}`);
  return manifest.slice(start, manifest.indexOf('</item>', start) + '</item>'.length);
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
const referenced = (markup: string) =>
  [...new Set([...markup.matchAll(/referencedObjective="([^"]+)"/g)].map((match) => match[1]))].sort();

describe('SCORM 1.2 prerequisites in a SCORM 2004 merge', () => {
  let out: string;
  let inputs: MergeInput[];
  let result: MergeResult;
  let manifest: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'scorm-prerequisites-'));
    inputs = [
      {
        zipPath: writeTempFile(buildScorm12PrerequisitePackage('Shapes', PREREQUISITE_SHAPES), 'shapes.zip'),
        title: 'Shapes',
        description: '',
      },
      // Same item ids as the first module: its prerequisites must not read the first module's status.
      {
        zipPath: writeTempFile(
          buildScorm12PrerequisitePackage('Again', [
            { id: 'intro', title: 'Introduction again' },
            { id: 'basics', title: 'Basics again', prerequisites: 'intro' },
          ]),
          'again.zip',
        ),
        title: 'Again',
        description: '',
      },
      {
        zipPath: writeTempFile(buildScorm2004Package({ edition: '4th' }), 'plain2004.zip'),
        title: 'Plain',
        description: '',
      },
    ];
    result = await mergePackages(inputs, join(out, 'course.zip'), { title: 'Prerequisites' });
    manifest = await readManifestText(result.outputPath);
  });

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    removeTempFiles();
  });

  it('writes a SCORM 2004 course that validates against the XSDs with every converted shape', async () => {
    expect(result.scormVersion).toBe('2004 4th Edition');
    // Validates with xmllint against the 2004 4th Edition schemas (skipped, and said so, without xmllint).
    await expectSoundMerge(result, inputs);
    expect(manifest).not.toContain('adlcp:prerequisites');
  });

  it('has a prerequisite item write its satisfaction and completion into a global objective of its module', () => {
    const intro = itemMarkup(manifest, 'p01_intro');
    expect(intro).toMatch(
      /<imsss:primaryObjective objectiveID="urn:scorm-merge:lesson-status">\s*<imsss:mapInfo targetObjectiveID="p01.lesson-status.p01_intro" readSatisfiedStatus="false" readNormalizedMeasure="false" writeSatisfiedStatus="true" writeNormalizedMeasure="false"\/>/,
    );
    expect(intro).toMatch(
      /<adlseq:objective objectiveID="urn:scorm-merge:lesson-status">\s*<adlseq:mapInfo targetObjectiveID="p01.lesson-status.p01_intro" [^>]*readCompletionStatus="false" [^>]*writeCompletionStatus="true"\/>/,
    );
    // Not a dependent item: no rules of its own.
    expect(intro).not.toContain('imsss:sequencingRules');
  });

  it('disables an item with one prerequisite by one rule reading that item', () => {
    const basics = itemMarkup(manifest, 'p01_basics');
    expect(basics).toMatch(
      /<imsss:preConditionRule>\s*<imsss:ruleConditions conditionCombination="any">\s*<imsss:ruleCondition referencedObjective="urn:scorm-merge:prerequisite:p01_intro" operator="not" condition="objectiveStatusKnown"\/>\s*<imsss:ruleCondition [^>]*condition="satisfied"\/>\s*<imsss:ruleCondition [^>]*condition="activityProgressKnown"\/>\s*<imsss:ruleCondition [^>]*condition="completed"\/>\s*<\/imsss:ruleConditions>\s*<imsss:ruleAction action="disabled"\/>\s*<\/imsss:preConditionRule>/,
    );
    expect(count(basics, /<imsss:preConditionRule>/)).toBe(1);
    expect(referenced(basics)).toEqual(['urn:scorm-merge:prerequisite:p01_intro']);
    expect(basics).toMatch(
      /<imsss:objective objectiveID="urn:scorm-merge:prerequisite:p01_intro">\s*<imsss:mapInfo targetObjectiveID="p01.lesson-status.p01_intro" readSatisfiedStatus="true" readNormalizedMeasure="false" writeSatisfiedStatus="false" writeNormalizedMeasure="false"\/>/,
    );
    expect(basics).toMatch(
      /<adlseq:objective objectiveID="urn:scorm-merge:prerequisite:p01_intro">\s*<adlseq:mapInfo targetObjectiveID="p01.lesson-status.p01_intro" [^>]*readCompletionStatus="true"/,
    );
    // basics is itself a prerequisite (of practice and review): it writes its own status too.
    expect(basics).toContain('<imsss:primaryObjective objectiveID="urn:scorm-merge:lesson-status">');
    expect(basics).toContain('targetObjectiveID="p01.lesson-status.p01_basics"');
  });

  it('disables an item with & until each prerequisite is done: one rule per prerequisite', () => {
    const practice = itemMarkup(manifest, 'p01_practice');
    expect(count(practice, /<imsss:preConditionRule>/)).toBe(2);
    expect(count(practice, /<imsss:ruleCondition /)).toBe(8);
    expect(referenced(practice)).toEqual([
      'urn:scorm-merge:prerequisite:p01_basics',
      'urn:scorm-merge:prerequisite:p01_intro',
    ]);
    expect(count(practice, /<imsss:objective objectiveID=/)).toBe(2);
  });

  it('disables an item with | while no prerequisite is done: one rule per combination', () => {
    const review = itemMarkup(manifest, 'p01_review');
    expect(count(review, /<imsss:preConditionRule>/)).toBe(16);
    // Each rule needs one way for each prerequisite not to be done.
    expect(count(review, /<imsss:ruleConditions conditionCombination="all">/)).toBe(16);
    expect(count(review, /<imsss:ruleCondition /)).toBe(16 * 2);
    expect(referenced(review)).toEqual([
      'urn:scorm-merge:prerequisite:p01_basics',
      'urn:scorm-merge:prerequisite:p01_intro',
    ]);
  });

  it('keeps modules apart: identical item ids read their own module global objective', () => {
    const again = itemMarkup(manifest, 'p02_basics');
    expect(again).toContain('targetObjectiveID="p02.lesson-status.p02_intro"');
    expect(again).not.toContain('p01.');
    expect(itemMarkup(manifest, 'p02_intro')).toContain('targetObjectiveID="p02.lesson-status.p02_intro"');
  });

  it.each([
    ['negated', '~intro', 'a negation \\(~\\)'],
    ['compared', 'intro = "passed"', 'a status comparison \\(=\\)'],
    ['unequal', 'intro <> "failed"', 'a status comparison \\(<>\\)'],
    ['counted', '2*{intro,basics,practice}', 'a set'],
    ['grouped', '(intro | basics) & practice', 'parentheses'],
    ['unknown', 'missing_item', '"missing_item" is not an item of the package'],
  ])('leaves the %s shape out with a warning naming the package and the item', (id, expression, reason) => {
    const warning = result.warnings.find((text) => text.includes(`the item "${id}"`));
    expect(warning).toMatch(
      new RegExp(
        `^“Shapes” \\(position 1\\): the item "${id}" has SCORM 1\\.2 prerequisites \\(".*"\\) that the merge cannot turn into SCORM 2004 sequencing, because [^;]*${reason}`,
      ),
    );
    expect(warning).toContain(`("${expression}")`);
    expect(itemMarkup(manifest, `p01_${id}`)).not.toContain('imsss:sequencing');
  });

  it('warns about nothing it converted', () => {
    const prerequisiteWarnings = result.warnings.filter((text) => text.includes('prerequisites'));
    expect(prerequisiteWarnings).toHaveLength(6);
  });
});
