import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectPackage } from '../inspection/package-inspector';
import { MENU_PAGE, mergePackages } from '../merge/merge-packages';
import type { MergeInput, MergeResult } from '../merge/merge-types';
import { openZipArchive } from '../zip/zip-archive';
import { sharedFixturesDir } from '../../testing/shared-fixtures';
import { validateWithXmllint, xmllintAvailable } from '../../testing/merged-package-checks';
import { sequencedPackage, type SequencedManifestOptions } from '../../testing/sequenced-manifest';
import {
  CourseSession,
  describe as describeOutcome,
  describeTrap,
  moduleBehaviour,
  reliesOnChoice,
  standaloneBehaviour,
  type PackageBehaviour,
  TreeIndex,
  walkCourse,
  type CourseShape,
  type CourseWalkReport,
} from '../../testing/course-walk';
import { sequencingSettingsFromManifest } from './activity-tree';

const corpusDir = sharedFixturesDir('scorm');
const adlDir = sharedFixturesDir('adl-sequencing');
if (!corpusDir)
  console.warn('Skipping the course walk on the SCORM corpus: ../shared/fixtures/scorm is absent.');
if (!adlDir)
  console.warn('Skipping the course walk on ADL packages: ../shared/fixtures/adl-sequencing is absent.');
const canValidate = xmllintAvailable();
if (!canValidate)
  console.warn('xmllint is missing (apt-get install libxml2-utils): merged manifests are not validated.');
const describeCorpus = corpusDir ? describe : describe.skip;
const describeAdl = adlDir ? describe : describe.skip;

let out: string;
beforeAll(() => (out = mkdtempSync(join(tmpdir(), 'course-walk-'))));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function manifestOf(zipPath: string): Promise<string> {
  const archive = await openZipArchive(zipPath);
  try {
    const entry = archive.entries
      .filter((e) => /(^|\/)imsmanifest\.xml$/i.test(e.name))
      .sort((a, b) => a.name.length - b.name.length)[0];
    if (!entry) throw new Error(`${zipPath} has no imsmanifest.xml`);
    return (await archive.readEntry(entry, 64 * 1024 * 1024)).toString('utf8');
  } finally {
    await archive.close();
  }
}

async function merge(label: string, zips: string[]): Promise<{ result: MergeResult; manifest: string }> {
  const inputs: MergeInput[] = [];
  for (const zipPath of zips) {
    const filename = zipPath.split('/').pop() as string;
    const facts = await inspectPackage(zipPath, { filename });
    inputs.push({ zipPath, title: facts.title, description: '', filename });
  }
  const result = await mergePackages(inputs, join(out, `${label.replace(/\W+/g, '-')}.zip`), {
    title: label,
  });
  const manifest = await manifestOf(result.outputPath);
  // The rewrites keep the manifest valid.
  if (canValidate) {
    const check = validateWithXmllint(manifest, result.scormVersion === '1.2' ? '1.2' : '2004');
    expect({ label, valid: check.valid, output: check.valid ? '' : check.output }).toEqual({
      label,
      valid: true,
      output: '',
    });
  }
  expect(await menuTargets(result.outputPath)).toEqual(result.modules.map((module) => module.identifier));
  return { result, manifest };
}

/** Where the menu's cards send the learner: the walk chooses what the menu chooses. */
async function menuTargets(zipPath: string): Promise<string[]> {
  const archive = await openZipArchive(zipPath);
  try {
    const entry = archive.entries.find((e) => e.name === MENU_PAGE);
    if (!entry) return [];
    const page = (await archive.readEntry(entry, 16 * 1024 * 1024)).toString('utf8');
    return [...page.matchAll(/data-target="([^"]+)"/g)].map((match) => match[1]);
  } finally {
    await archive.close();
  }
}

function shapeOf(result: MergeResult, manifest: string): CourseShape {
  const tree = sequencingSettingsFromManifest(manifest).activityTree;
  return {
    menuId: result.hasMenu ? (tree.children?.[0].id ?? null) : null,
    moduleIds: result.modules.map((module) => module.identifier),
  };
}

function leafCount(manifest: string, moduleId: string): number {
  return new TreeIndex(sequencingSettingsFromManifest(manifest).activityTree).leavesUnder(moduleId).length;
}

function figures(label: string, report: CourseWalkReport): string {
  const choosable = report.modules.filter((m) => m.choosable).length;
  const back = report.modules.filter((m) => m.backToMenu).length;
  const traps = [
    ...report.modules.flatMap((m) => (m.trap ? [`${m.id} ${describeTrap(m.trap)}`] : [])),
    ...report.continuePass.moduleStops.flatMap((stop) =>
      stop.trap ? [`${stop.module}, after ${describeOutcome(stop.outcome)}: ${describeTrap(stop.trap)}`] : [],
    ),
  ];
  return (
    `${label}: start ${describeOutcome(report.start)}; modules choosable ${choosable}/${report.modules.length}` +
    ` (back to menu ${back}); SCOs reached by continue ${report.reachedByContinue}/${report.scoCount}` +
    ` (${report.continuePass.moduleStops.length} stops inside modules; end: ${describeOutcome(report.continuePass.stop)});` +
    ` root ${report.root.completion}/${report.root.success}` +
    traps.map((trap) => `\n  own trap: ${trap}`).join('')
  );
}

/**
 * How each module's package behaves standalone under the same engine, or null where there is no
 * standalone to compare with (SCORM 1.2) or the merge turned flow on by design (choice-only packages).
 */
async function ownBehaviours(zips: string[]): Promise<Array<PackageBehaviour | null>> {
  return (await ownManifests(zips)).map((manifest) =>
    manifest && !reliesOnChoice(manifest) ? standaloneBehaviour(manifest) : null,
  );
}

/** Each package's own SCORM 2004 manifest, which the walk proves a module's trap against; null for 1.2. */
async function ownManifests(zips: string[]): Promise<Array<string | null>> {
  const result: Array<string | null> = [];
  for (const zip of zips) {
    const manifest = await manifestOf(zip);
    result.push(/imscp_v1p1/.test(manifest) ? manifest : null);
  }
  return result;
}

/** The course-level promises of a merged course (DESIGN.md, "Rules that keep it correct"). */
function expectOneCourse(
  report: CourseWalkReport,
  shape: CourseShape,
  manifest: string,
  own: Array<PackageBehaviour | null>,
): void {
  expect(report.start).toEqual({ kind: 'delivered', id: shape.menuId ?? expect.any(String) });
  for (const module of report.modules) {
    // A trap the walk could not prove to be the package's own is a problem, named there.
    expect({ id: module.id, problem: module.problem }).toEqual({ id: module.id, problem: null });
    expect(module.choosable).toBe(true);
    // Back to the menu, unless the package's own post-condition rule keeps the learner in (RU-19b).
    if (shape.menuId)
      expect({ id: module.id, back: module.backToMenu || module.trap?.unproven === null }).toEqual({
        id: module.id,
        back: true,
      });
  }
  for (const stop of report.continuePass.moduleStops)
    if (stop.trap)
      expect({ module: stop.module, unproven: stop.trap.unproven }).toEqual({
        module: stop.module,
        unproven: null,
      });
  // continue stops inside a module only where its package stops standalone, the same way.
  for (const stop of report.continuePass.moduleStops) {
    const k = shape.moduleIds.indexOf(stop.module);
    expect({ module: stop.module, own: own[k]?.stop ?? 'never stops' }).toEqual({
      module: stop.module,
      own: stop.outcome.kind === 'bound' ? 'bound' : 'refused',
    });
  }
  // Every SCO is reached, except those its own package withholds standalone.
  const expected = shape.moduleIds.reduce((sum, id, k) => {
    const behaviour = own[k];
    return sum + (behaviour ? new Set(behaviour.deliveries).size : leafCount(manifest, id));
  }, 0);
  expect(report.reachedByContinue).toBe(expected);
  expect(report.continuePass.stop.kind).toBe('ended');
  const allComplete = own.every((behaviour) => !behaviour || behaviour.completion === 'completed');
  if (allComplete) expect(report.root.completion).toBe('completed');
}

// Engine steps on a course of dozens of modules take a second each under a busy machine.
describeCorpus('course walk on merges of the SCORM corpus', () => {
  const dir = corpusDir as string;
  const zips = corpusDir
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.zip'))
        .sort()
    : [];
  const is12 = (name: string) => name.endsWith('-12.zip');
  const mixes: Array<[string, () => string[]]> = [
    [
      'mixed 1.2 and 2004',
      () => [
        'scorm-debugger-nested-prereq-12.zip',
        'golf-seq-forcedsequential-2004-3rd.zip',
        'golf-seq-posttestrollup-2004-4th.zip',
        'golf-runtime-minimumcalls-multisco-12.zip',
      ],
    ],
    ['all SCORM 2004', () => zips.filter((name) => !is12(name))],
    ['all 12 packages, reversed', () => [...zips].reverse()],
  ];

  it.each(mixes)(
    '%s: one course under a SCORM 2004 engine',
    async (label, names) => {
      const zips = names().map((name) => join(dir, name));
      const { result, manifest } = await merge(label, zips);
      const shape = shapeOf(result, manifest);
      const report = walkCourse(manifest, shape, await ownManifests(zips));
      console.log(figures(`corpus ${label}`, report));
      expectOneCourse(report, shape, manifest, await ownBehaviours(zips));
    },
    120_000,
  );

  it('keeps forced-sequential golf as it is: choice into lesson 3 before lesson 1 is refused', async () => {
    const { result, manifest } = await merge('forced sequential', [
      join(dir, 'golf-seq-simpleremediation-2004-3rd.zip'),
      join(dir, 'golf-seq-forcedsequential-2004-3rd.zip'),
    ]);
    const shape = shapeOf(result, manifest);
    const tree = sequencingSettingsFromManifest(manifest).activityTree;
    const index = new TreeIndex(tree);
    const golf = shape.moduleIds[1];
    const leaves = index.leavesUnder(golf);
    const session = new CourseSession(tree);
    session.start();
    const first = session.learn(`{target=${golf}}choice`);
    expect(first).toEqual({ kind: 'delivered', id: leaves[0] });
    // Lesson 3, with lesson 1 not done.
    const lesson3 = leaves[2];
    expect(session.learn(`{target=${lesson3}}choice`, { completed: false, passed: false }).kind).toBe(
      'refused',
    );
  }, 60_000);

  it.each([
    'golf-seq-forcedsequential-2004-3rd.zip',
    'golf-seq-posttestrollup-2004-4th.zip',
    'golf-seq-prepostrollup-2004-3rd.zip',
    'golf-seq-simpleremediation-2004-3rd.zip',
  ])(
    '%s behaves inside its module as it does standalone',
    async (name) => {
      const zip = join(dir, name);
      const standalone = standaloneBehaviour(await manifestOf(zip));
      const other = join(dir, 'golf-cp-singlesco-2004-3rd.zip');
      const { result, manifest } = await merge(`alone ${name}`, [other, zip, other]);
      const merged = moduleBehaviour(manifest, shapeOf(result, manifest), result.modules[1].identifier);
      console.log(`${name}: standalone ${JSON.stringify(standalone)} merged ${JSON.stringify(merged)}`);
      expect(merged).toEqual(standalone);
    },
    60_000,
  );
});

describeAdl('course walk on merges of ADL sequencing test packages', () => {
  const dir = adlDir as string;
  const family = (prefix: string) =>
    adlDir
      ? readdirSync(dir)
          .filter((name) => name.startsWith(`LMSTestPackage_${prefix}-`) && name.endsWith('.zip'))
          .sort()
          .map((name) => join(dir, name))
      : [];

  // scorm-again re-checks every activity's choice validity after each step (O(n²) per step), so a
  // whole family in one course takes a minute or more (RU, 48 modules). The walk takes the family in merges of 3
  // (COURSE_WALK_GROUP sets another size) unless COURSE_WALK_WHOLE_FAMILY=1 asks for one merge of all
  // of it.
  const whole = process.env['COURSE_WALK_WHOLE_FAMILY'] === '1';
  const merges = (prefix: string): Array<[string, string[]]> => {
    const zips = family(prefix);
    if (whole) return [[`${prefix} (all ${zips.length})`, zips]];
    const result: Array<[string, string[]]> = [];
    const size = Number(process.env['COURSE_WALK_GROUP'] ?? 3);
    for (let at = 0; at < zips.length; at += size)
      result.push([`${prefix} ${at + 1}-${Math.min(at + size, zips.length)}`, zips.slice(at, at + size)]);
    return result;
  };

  // RU-19b (issue 19): from inside its module a choice of the course menu delivers its activity_2.
  // The package's cluster activity_1 exits on activityProgressKnown and then retries on it: the SN
  // Termination Request Process (TB.2.3, Exit: TB.2.1 exit actions, then TB.2.2 post-conditions)
  // returns `retry`, which replaces the pending choice (OP.1). Standalone (choice="false") continue,
  // previous and exit are replaced the same way: the package keeps its learner in activity_1 by
  // design. No merge rewrite can lift it while keeping the package's rules: a post-condition sees
  // tracking state only, never which request is pending, so a rule that let the menu choice through
  // would let the package's own continue out too. The SN way out that skips post-conditions is a
  // learner's `abandon` (TB.2.3), which the walk records. So the walk proves the trap is the
  // package's own (course-walk.ts, proveTrap) and names it, as it names a package's own loop;
  // RU-12a's "satisfied → retry" traps the same way once its loop has run (merges of 12 and more).
  const all = [...merges('RU'), ...merges('SX')];
  const walkAdlMerge = async (label: string, zips: string[]) => {
    const { result, manifest } = await merge(`ADL ${label}`, zips);
    const shape = shapeOf(result, manifest);
    const report = walkCourse(manifest, shape, await ownManifests(zips));
    console.log(figures(`ADL ${label}`, report));
    const own = await ownBehaviours(zips);
    const differences: string[] = [];
    for (const [i, zip] of zips.entries()) {
      const merged = moduleBehaviour(manifest, shape, shape.moduleIds[i]);
      const standalone = own[i];
      if (!standalone) {
        // Choice-only: the merge turned flow on, so continue must now walk the whole module.
        if (new Set(merged.deliveries).size !== leafCount(manifest, shape.moduleIds[i]))
          differences.push(`${zip.split('/').pop()}: flow turned on, yet ${JSON.stringify(merged)}`);
        continue;
      }
      if (JSON.stringify(standalone) !== JSON.stringify(merged))
        differences.push(
          `${zip.split('/').pop()}: standalone ${JSON.stringify(standalone)}, merged ${JSON.stringify(merged)}`,
        );
    }
    console.log(
      `ADL ${label}: ${zips.length - differences.length}/${zips.length} modules as standalone\n${differences.join('\n')}`,
    );
    expect(differences).toEqual([]);
    expectOneCourse(report, shape, manifest, own);
  };
  it.each(all)('%s: one course, each module as its package standalone', walkAdlMerge, 1_200_000);

  it('accepts a trap only as the package wrote it: RU-19b against a copy without its retry rule', async () => {
    const zip = join(dir, 'LMSTestPackage_RU-19b.zip');
    const { result, manifest } = await merge('ADL RU-19b trap proof', [family('SX')[0], zip]);
    const shape = shapeOf(result, manifest);
    const own = await manifestOf(zip);
    const proven = walkCourse(manifest, shape, [null, own]).modules[1];
    expect(proven).toMatchObject({ backToMenu: false, problem: null });
    expect(proven.trap).toMatchObject({
      rule: 'activityProgressKnown → retry',
      outcome: { kind: 'delivered', id: `${shape.moduleIds[1].replace(/_module$/, '')}_activity_2` },
      unproven: null,
      afterAbandon: { kind: 'delivered', id: shape.menuId },
    });
    // Were the rule not the package's (a merge fault), the walk would say so.
    const withoutRetry = own.replace(/<imsss:postConditionRule>[\s\S]*?<\/imsss:postConditionRule>/, '');
    const faked = walkCourse(manifest, shape, [null, withoutRetry]).modules[1];
    expect(faked.problem).toMatch(/a merge rewrite$/);
  }, 60_000);
});

describe('course walk on generated packages', () => {
  const sco = (id: string) => ({ id });
  const cases: Array<[string, SequencedManifestOptions]> = [
    [
      'nested clusters without control modes',
      {
        items: [
          { id: 'part1', children: [{ id: 'ch1', children: [sco('s1'), sco('s2')] }, sco('s3')] },
          { id: 'part2', children: [sco('s4')] },
        ],
      },
    ],
    [
      'a choice-only organization',
      {
        sequencing: '<imsss:controlMode choice="true" flow="false"/>',
        items: [sco('a1'), { id: 'grp', children: [sco('a2'), sco('a3')] }],
      },
    ],
    [
      'exitAll on the package root and on a SCO',
      {
        sequencing: `<imsss:controlMode flow="true"/><imsss:sequencingRules><imsss:postConditionRule>
          <imsss:ruleConditions><imsss:ruleCondition condition="completed"/></imsss:ruleConditions>
          <imsss:ruleAction action="exitAll"/></imsss:postConditionRule></imsss:sequencingRules>`,
        items: [
          sco('e1'),
          {
            id: 'e2',
            sequencing: `<imsss:sequencingRules><imsss:exitConditionRule>
              <imsss:ruleConditions><imsss:ruleCondition condition="completed"/></imsss:ruleConditions>
              <imsss:ruleAction action="exit"/></imsss:exitConditionRule></imsss:sequencingRules>`,
          },
        ],
      },
    ],
    [
      'exitAll two levels down, through a shared sequencing entry',
      {
        sequencing: '<imsss:controlMode flow="true"/>',
        collection: `<imsss:sequencing ID="ends"><imsss:sequencingRules><imsss:postConditionRule>
          <imsss:ruleConditions><imsss:ruleCondition condition="completed"/></imsss:ruleConditions>
          <imsss:ruleAction action="exitAll"/></imsss:postConditionRule></imsss:sequencingRules></imsss:sequencing>`,
        items: [
          {
            id: 'deep',
            sequencing: '<imsss:controlMode flow="true"/>',
            children: [{ id: 'd1', sequencingAttributes: 'IDRef="ends"' }, sco('d2')],
          },
          sco('d3'),
        ],
      },
    ],
    [
      'choiceExit off at the package root',
      { sequencing: '<imsss:controlMode flow="true" choiceExit="false"/>', items: [sco('x1'), sco('x2')] },
    ],
  ];

  it.each(cases)(
    '%s: merged between two others, the course still works as one',
    async (label, options) => {
      const plain = join(out, 'plain.zip');
      writeFileSync(
        plain,
        sequencedPackage({ sequencing: '<imsss:controlMode flow="true"/>', items: [sco('p1')] }),
      );
      const generated = join(out, `${label.replace(/\W+/g, '-')}-in.zip`);
      writeFileSync(generated, sequencedPackage(options));
      const { result, manifest } = await merge(`generated ${label}`, [plain, generated, plain]);
      const shape = shapeOf(result, manifest);
      const report = walkCourse(manifest, shape, await ownManifests([plain, generated, plain]));
      console.log(figures(`generated ${label}`, report));
      expectOneCourse(report, shape, manifest, await ownBehaviours([plain, generated, plain]));
    },
    60_000,
  );
});
