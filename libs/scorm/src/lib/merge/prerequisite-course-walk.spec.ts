import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import {
  buildScorm12PrerequisitePackage,
  buildScorm2004Package,
  removeTempFiles,
  writeTempFile,
} from '../../testing';
import { readManifestText } from '../../testing/merged-package-checks';
import { sequencingSettingsFromManifest } from '../sequencing/activity-tree';
import { mergePackages } from './merge-packages';
import { SCORM12_ADAPTER_SCRIPT } from './scorm12-adapter-page';

interface Scorm12Api {
  LMSInitialize(p: string): string;
  LMSGetValue(e: string): string;
  LMSSetValue(e: string, v: string): string;
  LMSFinish(p: string): string;
}
interface Scorm2004Lms {
  processNavigationRequest(request: string, target?: string): boolean;
  isTerminated(): boolean;
  GetValue(e: string): string;
  reset(): void;
  getSequencingState(): { currentActivity?: { id: string } | null } | null;
}

/**
 * An LMS on scorm-again's SCORM 2004 engine, running the merged course's activity tree, and a
 * learner whose 1.2 SCOs talk to it through the merge's adapter page, as they do in the course.
 */
class CourseWalk {
  private readonly lms: Scorm2004Lms;
  private readonly newAdapter: () => Scorm12Api;

  constructor(manifest: string) {
    const context = createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval });
    context['window'] = context;
    runInContext(readFileSync(require.resolve('scorm-again/dist/scorm2004.js'), 'utf8'), context);
    runInContext(SCORM12_ADAPTER_SCRIPT, context);
    context['settings'] = {
      logLevel: 5,
      autocommit: false,
      sequencing: sequencingSettingsFromManifest(manifest),
    };
    this.lms = runInContext('window.lms = new Scorm2004API(settings)', context) as Scorm2004Lms;
    this.newAdapter = () =>
      runInContext('createScorm12Adapter(function () { return window.lms; })', context) as Scorm12Api;
  }

  get current(): string | null {
    return this.lms.getSequencingState()?.currentActivity?.id ?? null;
  }

  start(): string | null {
    expect(this.lms.processNavigationRequest('start')).toBe(true);
    return this.current;
  }

  /** `{target=id}choice`: true when the LMS accepted it and delivered that activity. */
  choose(id: string): boolean {
    return this.lms.processNavigationRequest('choice', id) && this.current === id;
  }

  /** The delivered SCO runs: initialise, report a 1.2 lesson_status (or nothing), finish. */
  runSco(lessonStatus?: string, during?: (sco: Scorm12Api, lms: Scorm2004Lms) => void): void {
    // A new launch gets a fresh run-time; the sequencing state stays.
    if (this.lms.isTerminated()) this.lms.reset();
    const sco = this.newAdapter();
    expect(sco.LMSInitialize('')).toBe('true');
    if (lessonStatus !== undefined)
      expect(sco.LMSSetValue('cmi.core.lesson_status', lessonStatus)).toBe('true');
    during?.(sco, this.lms);
    expect(sco.LMSFinish('')).toBe('true');
  }

  /** Chooses an activity that must be open, and runs it. */
  take(id: string, lessonStatus: string): void {
    expect({ id, chosen: this.choose(id) }).toEqual({ id, chosen: true });
    this.runSco(lessonStatus);
  }
}

describe('course walk: SCORM 1.2 prerequisites hold in the merged SCORM 2004 course', () => {
  let out: string;
  let manifest: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'scorm-prerequisite-walk-'));
    const module = (title: string, items: Parameters<typeof buildScorm12PrerequisitePackage>[1]) => ({
      zipPath: writeTempFile(buildScorm12PrerequisitePackage(title, items), `${title}.zip`),
      title,
      description: '',
    });
    // The same item ids in every module: each module's prerequisites read its own items only.
    const result = await mergePackages(
      [
        // First, so that start delivers it and the 1.2 modules' items start not attempted.
        {
          zipPath: writeTempFile(buildScorm2004Package({ edition: '4th' }), 'plain2004.zip'),
          title: 'Plain',
          description: '',
        },
        module('Single', [
          { id: 'a', title: 'A' },
          { id: 'b', title: 'B', prerequisites: 'a' },
        ]),
        module('All', [
          { id: 'a', title: 'A' },
          { id: 'b', title: 'B' },
          { id: 'c', title: 'C', prerequisites: 'a & b' },
        ]),
        module('Any', [
          { id: 'a', title: 'A' },
          { id: 'b', title: 'B' },
          { id: 'c', title: 'C', prerequisites: 'a | b' },
        ]),
      ],
      join(out, 'course.zip'),
      { title: 'Prerequisites', includeMenu: false },
    );
    expect(result.scormVersion).toBe('2004 4th Edition');
    manifest = await readManifestText(result.outputPath);
  });

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    removeTempFiles();
  });

  /** Starts the course and ends the first SCO (the 2004 module's), leaving the 1.2 modules untouched. */
  const startedWalk = () => {
    const walk = new CourseWalk(manifest);
    expect(walk.start()).toMatch(/^p01_/);
    walk.runSco();
    return walk;
  };

  it('refuses the choice of B until A is completed, then accepts it', () => {
    const walk = startedWalk();
    expect(walk.choose('p02_b')).toBe(false);
    walk.take('p02_a', 'incomplete');
    expect(walk.choose('p02_b')).toBe(false);
    walk.take('p02_a', 'completed');
    expect(walk.choose('p02_b')).toBe(true);
  });

  it('keeps B disabled after A is failed and opens it once A is passed, as 1.2 did', () => {
    const walk = startedWalk();
    walk.take('p02_a', 'failed');
    expect(walk.choose('p02_b')).toBe(false);
    walk.take('p02_a', 'passed');
    expect(walk.choose('p02_b')).toBe(true);
  });

  it('with & needs both prerequisites done', () => {
    const walk = startedWalk();
    expect(walk.choose('p03_c')).toBe(false);
    walk.take('p03_a', 'completed');
    expect(walk.choose('p03_c')).toBe(false);
    walk.take('p03_b', 'passed');
    expect(walk.choose('p03_c')).toBe(true);
  });

  it('with | needs either prerequisite done', () => {
    const first = startedWalk();
    expect(first.choose('p04_c')).toBe(false);
    first.take('p04_a', 'completed');
    expect(first.choose('p04_c')).toBe(true);

    const second = startedWalk();
    second.take('p04_b', 'incomplete');
    expect(second.choose('p04_c')).toBe(false);
    second.take('p04_b', 'completed');
    expect(second.choose('p04_c')).toBe(true);
  });

  it("hides the merge's objectives from a 1.2 SCO, which keeps its own objective indexes", () => {
    const walk = startedWalk();
    walk.take('p02_a', 'completed');
    expect(walk.choose('p02_b')).toBe(true);
    // The LMS lists B's objectives, the one reading A among them (RTE 4.2.17).
    walk.runSco(undefined, (sco, lms) => {
      const listed = Number(lms.GetValue('cmi.objectives._count'));
      const listedIds = Array.from({ length: listed }, (_, i) => lms.GetValue(`cmi.objectives.${i}.id`));
      expect(listedIds).toContain('urn:scorm-merge:prerequisite:p02_a');
      const count = Number(sco.LMSGetValue('cmi.objectives._count'));
      const seenIds = Array.from({ length: count }, (_, i) => sco.LMSGetValue(`cmi.objectives.${i}.id`));
      expect(seenIds.filter((id) => id.startsWith('urn:scorm-merge:'))).toEqual([]);
      // The SCO appends its own objective at _count, and finds it there.
      expect(sco.LMSSetValue(`cmi.objectives.${count}.id`, 'quiz_1')).toBe('true');
      expect(sco.LMSSetValue(`cmi.objectives.${count}.status`, 'passed')).toBe('true');
      expect(sco.LMSGetValue('cmi.objectives._count')).toBe(String(count + 1));
      expect(sco.LMSGetValue(`cmi.objectives.${count}.id`)).toBe('quiz_1');
      expect(sco.LMSGetValue(`cmi.objectives.${count}.status`)).toBe('passed');
      expect(lms.GetValue(`cmi.objectives.${listed}.id`)).toBe('quiz_1');
    });
  });

  it("never opens an item with another module's items of the same id", () => {
    const walk = startedWalk();
    walk.take('p02_a', 'completed');
    walk.take('p02_b', 'completed');
    // Module 2's a and b are done; modules 3 and 4 wait for their own a and b.
    expect(walk.choose('p03_c')).toBe(false);
    expect(walk.choose('p04_c')).toBe(false);
  });
});
