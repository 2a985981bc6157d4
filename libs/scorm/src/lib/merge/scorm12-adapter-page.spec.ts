import { readFileSync } from 'node:fs';
import { createContext, runInContext, type Context } from 'node:vm';
import { LESSON_STATUS_OBJECTIVE, prerequisiteObjectiveId } from './prerequisite-sequencing';
import { renderScorm12Adapter, SCORM12_ADAPTER_SCRIPT } from './scorm12-adapter-page';

interface Scorm12Api {
  LMSInitialize(p: string): string;
  LMSFinish(p: string): string;
  LMSGetValue(e: string): string;
  LMSSetValue(e: string, v: string): string;
  LMSCommit(p: string): string;
  LMSGetLastError(): string;
  LMSGetErrorString(c: string): string;
  LMSGetDiagnostic(c: string): string;
}
interface Scorm2004Api {
  GetValue(e: string): string;
  SetValue(e: string, v: string): string;
  isTerminated(): boolean;
}

/** The adapter running against a real SCORM 2004 run-time (scorm-again), in a sandbox. */
function setUp(settings: Record<string, unknown> = {}): {
  adapter: Scorm12Api;
  lms: Scorm2004Api;
  context: Context;
} {
  const context = createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval });
  context['window'] = context;
  runInContext(readFileSync(require.resolve('scorm-again/dist/scorm2004.js'), 'utf8'), context);
  runInContext(SCORM12_ADAPTER_SCRIPT, context);
  context['settings'] = { logLevel: 5, ...settings };
  const lms = runInContext('window.lms = new Scorm2004API(settings)', context) as Scorm2004Api;
  // Records every SetValue the adapter makes (some elements are write-only in 2004 too).
  runInContext(
    'window.sets = []; var set = window.lms.SetValue.bind(window.lms); window.lms.SetValue = function (e, v) { window.sets.push(e + "=" + v); return set(e, v); };',
    context,
  );
  const adapter = runInContext(
    'createScorm12Adapter(function () { return window.lms; })',
    context,
  ) as Scorm12Api;
  return { adapter, lms, context };
}

describe('SCORM 1.2 adapter over a SCORM 2004 API', () => {
  it('initialises and finishes the 2004 session, and refuses calls outside it', () => {
    const { adapter, lms } = setUp();
    expect(adapter.LMSGetValue('cmi.core.lesson_status')).toBe('');
    expect(adapter.LMSGetLastError()).toBe('301');
    expect(adapter.LMSGetErrorString('301')).toBe('Not initialized');
    expect(adapter.LMSInitialize('')).toBe('true');
    expect(adapter.LMSInitialize('')).toBe('false');
    expect(adapter.LMSCommit('')).toBe('true');
    expect(adapter.LMSFinish('')).toBe('true');
    expect(lms.isTerminated()).toBe(true);
    expect(adapter.LMSSetValue('cmi.core.lesson_location', 'x')).toBe('false');
    expect(adapter.LMSGetLastError()).toBe('301');
  });

  it('maps cmi.core.* to cmi.*, with statuses, scores and times converted', () => {
    const { adapter, lms, context } = setUp();
    adapter.LMSInitialize('');
    expect(adapter.LMSGetValue('cmi.core.lesson_status')).toBe('not attempted');
    expect(adapter.LMSGetValue('cmi.core.entry')).toBe(lms.GetValue('cmi.entry'));
    expect(adapter.LMSGetValue('cmi.core.total_time')).toBe('0000:00:00.00');
    expect(adapter.LMSGetValue('cmi.core.lesson_mode')).toBe('normal');
    expect(adapter.LMSGetValue('cmi.core.credit')).toBe('credit');

    expect(adapter.LMSSetValue('cmi.core.lesson_location', 'page-3')).toBe('true');
    expect(lms.GetValue('cmi.location')).toBe('page-3');
    expect(adapter.LMSGetValue('cmi.core.lesson_location')).toBe('page-3');

    expect(adapter.LMSSetValue('cmi.core.lesson_status', 'incomplete')).toBe('true');
    expect(lms.GetValue('cmi.completion_status')).toBe('incomplete');
    expect(adapter.LMSSetValue('cmi.core.lesson_status', 'passed')).toBe('true');
    expect(lms.GetValue('cmi.success_status')).toBe('passed');
    expect(lms.GetValue('cmi.completion_status')).toBe('completed');
    expect(adapter.LMSGetValue('cmi.core.lesson_status')).toBe('passed');
    expect(adapter.LMSSetValue('cmi.core.lesson_status', 'excellent')).toBe('false');
    expect(adapter.LMSGetLastError()).toBe('405');

    expect(adapter.LMSSetValue('cmi.core.score.min', '0')).toBe('true');
    expect(adapter.LMSSetValue('cmi.core.score.max', '50')).toBe('true');
    expect(adapter.LMSSetValue('cmi.core.score.raw', '40')).toBe('true');
    expect(lms.GetValue('cmi.score.raw')).toBe('40');
    expect(lms.GetValue('cmi.score.scaled')).toBe('0.8');
    expect(adapter.LMSGetValue('cmi.core.score.raw')).toBe('40');

    expect(adapter.LMSSetValue('cmi.core.session_time', '0001:30:05.5')).toBe('true');
    expect(runInContext('window.sets', context)).toContain('cmi.session_time=PT1H30M5.5S');
    expect(adapter.LMSSetValue('cmi.core.session_time', '90 minutes')).toBe('false');
    expect(adapter.LMSGetLastError()).toBe('405');

    expect(adapter.LMSSetValue('cmi.core.exit', 'suspend')).toBe('true');
    expect(adapter.LMSSetValue('cmi.suspend_data', 'A1B2')).toBe('true');
    expect(adapter.LMSGetValue('cmi.suspend_data')).toBe('A1B2');

    expect(adapter.LMSGetValue('cmi.core.exit')).toBe('');
    expect(adapter.LMSGetLastError()).toBe('404');
    expect(adapter.LMSSetValue('cmi.core.student_id', 'me')).toBe('false');
    expect(adapter.LMSGetLastError()).toBe('403');
    expect(adapter.LMSGetValue('cmi.core.nonsense')).toBe('');
    expect(adapter.LMSGetLastError()).toBe('201');
    expect(adapter.LMSGetValue('cmi.core._children')).toContain('lesson_status');
    expect(adapter.LMSGetLastError()).toBe('0');
    expect(adapter.LMSGetDiagnostic('')).toBe('No error');
  });

  it('uses the raw 0-100 scale when a mastery score applies', () => {
    const { adapter, lms, context } = setUp();
    runInContext("window.lms.cmi.scaled_passing_score = '0.8'", context);
    adapter.LMSInitialize('');
    expect(adapter.LMSGetValue('cmi.student_data.mastery_score')).toBe('80');
    adapter.LMSSetValue('cmi.core.score.max', '200');
    adapter.LMSSetValue('cmi.core.score.raw', '85');
    // SCORM 1.2 compares the raw score with masteryscore, whatever min and max say.
    expect(lms.GetValue('cmi.score.scaled')).toBe('0.85');
  });

  it('maps objectives and interactions', () => {
    const { adapter, lms } = setUp();
    adapter.LMSInitialize('');
    expect(adapter.LMSSetValue('cmi.objectives.0.id', 'obj-1')).toBe('true');
    expect(adapter.LMSSetValue('cmi.objectives.0.status', 'failed')).toBe('true');
    expect(adapter.LMSSetValue('cmi.objectives.0.score.raw', '30')).toBe('true');
    expect(lms.GetValue('cmi.objectives.0.success_status')).toBe('failed');
    expect(adapter.LMSGetValue('cmi.objectives.0.status')).toBe('failed');
    expect(adapter.LMSGetValue('cmi.objectives._count')).toBe('1');

    expect(adapter.LMSSetValue('cmi.interactions.0.id', 'q1')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.0.type', 'true-false')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.0.student_response', 't')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.0.result', 'wrong')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.0.latency', '0000:00:12.00')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.0.time', '10:20:30')).toBe('true');
    expect(lms.GetValue('cmi.interactions.0.learner_response')).toBe('true');
    expect(lms.GetValue('cmi.interactions.0.result')).toBe('incorrect');
    expect(lms.GetValue('cmi.interactions.0.latency')).toBe('PT12S');
    expect(lms.GetValue('cmi.interactions.0.timestamp')).toMatch(/^\d{4}-\d{2}-\d{2}T10:20:30$/);
    expect(adapter.LMSGetValue('cmi.interactions.0.id')).toBe('');
    expect(adapter.LMSGetLastError()).toBe('404');

    expect(adapter.LMSSetValue('cmi.interactions.1.id', 'q2')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.1.type', 'choice')).toBe('true');
    expect(adapter.LMSSetValue('cmi.interactions.1.student_response', 'a,b')).toBe('true');
    expect(lms.GetValue('cmi.interactions.1.learner_response')).toBe('a[,]b');
  });
});

describe('SCORM 1.2 adapter over objectives the merge added', () => {
  it("hides the merge's objectives the LMS lists, keeping the SCO's own indexes around them", () => {
    // A delivered activity whose manifest objectives the LMS lists in cmi.objectives (RTE 4.2.17).
    const { adapter, lms, context } = setUp({
      sequencing: {
        activityTree: {
          id: 'root',
          title: 'Course',
          children: [
            {
              id: 'lesson',
              title: 'Lesson',
              primaryObjective: { objectiveID: LESSON_STATUS_OBJECTIVE, isPrimary: true },
              objectives: [
                { objectiveID: 'shared_obj' },
                { objectiveID: prerequisiteObjectiveId('p01_intro') },
              ],
            },
          ],
        },
      },
    });
    expect(runInContext('window.lms.processNavigationRequest("start")', context)).toBe(true);
    expect(adapter.LMSInitialize('')).toBe('true');
    expect(lms.GetValue('cmi.objectives._count')).toBe('3');

    expect(adapter.LMSGetValue('cmi.objectives._count')).toBe('1');
    expect(adapter.LMSGetValue('cmi.objectives.0.id')).toBe('shared_obj');
    expect(adapter.LMSSetValue('cmi.objectives.0.status', 'passed')).toBe('true');
    expect(lms.GetValue(`cmi.objectives.${indexOf(lms, 'shared_obj')}.success_status`)).toBe('passed');

    expect(adapter.LMSSetValue('cmi.objectives.1.id', 'quiz')).toBe('true');
    expect(adapter.LMSSetValue('cmi.objectives.1.score.raw', '70')).toBe('true');
    expect(adapter.LMSGetValue('cmi.objectives._count')).toBe('2');
    expect(adapter.LMSGetValue('cmi.objectives.1.id')).toBe('quiz');
    expect(adapter.LMSGetValue('cmi.objectives.1.score.raw')).toBe('70');
    expect(lms.GetValue('cmi.objectives.3.id')).toBe('quiz');
    // The merge's objectives are untouched.
    expect(lms.GetValue(`cmi.objectives.${indexOf(lms, LESSON_STATUS_OBJECTIVE)}.success_status`)).toBe(
      'unknown',
    );
  });
});

function indexOf(lms: Scorm2004Api, id: string): number {
  const count = Number(lms.GetValue('cmi.objectives._count'));
  for (let i = 0; i < count; i++) if (lms.GetValue(`cmi.objectives.${i}.id`) === id) return i;
  throw new Error(`no objective ${id}`);
}

describe('renderScorm12Adapter', () => {
  it('only loads the launch pages it was given, relative to its own folder', () => {
    const html = renderScorm12Adapter(
      new Map([['p01_res', '01-golf/shared/launch.html?content=x</script>']]),
    );
    expect(html).toContain('"p01_res":"../01-golf/shared/launch.html?content=x\\u003c/script\\u003e"');
    expect(html).not.toContain('x</script>');
    expect(html).toContain('Object.prototype.hasOwnProperty.call(TARGETS, sco)');
  });
});
