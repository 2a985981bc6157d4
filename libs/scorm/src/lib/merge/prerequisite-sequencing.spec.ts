import { childElementsOf, getAttribute, type XElement } from '../xml/xml-tree';
import {
  prerequisiteDisabledRules,
  prerequisiteObjectiveId,
  type PrerequisiteLink,
} from './prerequisite-sequencing';

/** A 1.2 lesson_status as the adapter page hands it to 2004, seen through the read objective. */
type LessonStatus = 'not attempted' | 'incomplete' | 'completed' | 'passed' | 'failed';
interface ObjectiveView {
  statusKnown: boolean;
  satisfied: boolean;
  progressKnown: boolean;
  completed: boolean;
}
const VIEWS: Record<LessonStatus, ObjectiveView> = {
  'not attempted': { statusKnown: false, satisfied: false, progressKnown: false, completed: false },
  incomplete: { statusKnown: false, satisfied: false, progressKnown: true, completed: false },
  completed: { statusKnown: false, satisfied: false, progressKnown: true, completed: true },
  passed: { statusKnown: true, satisfied: true, progressKnown: true, completed: true },
  failed: { statusKnown: true, satisfied: false, progressKnown: true, completed: true },
};
const STATUSES = Object.keys(VIEWS) as LessonStatus[];
/** What SCORM 1.2 calls done. */
const isDone = (status: LessonStatus) => status === 'passed' || status === 'completed';

type Kleene = boolean | 'unknown';

/** SN rule evaluation: conditions are true, false or unknown; a rule applies only when true. */
function conditionValue(view: ObjectiveView, condition: string): Kleene {
  switch (condition) {
    case 'objectiveStatusKnown':
      return view.statusKnown;
    case 'satisfied':
      return view.statusKnown ? view.satisfied : 'unknown';
    case 'activityProgressKnown':
      return view.progressKnown;
    case 'completed':
      return view.progressKnown ? view.completed : 'unknown';
    default:
      throw new Error(`unexpected condition ${condition}`);
  }
}

function isDisabled(rules: XElement[], views: ReadonlyMap<string, ObjectiveView>): boolean {
  return rules.some((rule) => {
    expect(getAttribute(childElementsOf(rule, 'imsss:ruleAction')[0], 'action')).toBe('disabled');
    const conditions = childElementsOf(rule, 'imsss:ruleConditions')[0];
    expect(getAttribute(conditions, 'conditionCombination')).toBe('all');
    const values = childElementsOf(conditions, 'imsss:ruleCondition').map((condition): Kleene => {
      const view = views.get(getAttribute(condition, 'referencedObjective') ?? '') as ObjectiveView;
      const value = conditionValue(view, getAttribute(condition, 'condition') ?? '');
      if (getAttribute(condition, 'operator') !== 'not') return value;
      return value === 'unknown' ? 'unknown' : !value;
    });
    if (values.some((value) => value === false)) return false;
    return values.every((value) => value === true);
  });
}

const link = (itemId: string): PrerequisiteLink => ({
  objectiveId: prerequisiteObjectiveId(itemId),
  globalObjectiveId: `p01.lesson-status.${itemId}`,
});

describe('prerequisiteDisabledRules', () => {
  it('disables the item until its one prerequisite is passed or completed, whatever else it reports', () => {
    const rules = prerequisiteDisabledRules('all', [link('a')]);
    for (const status of STATUSES) {
      const views = new Map([[prerequisiteObjectiveId('a'), VIEWS[status]]]);
      expect({ status, disabled: isDisabled(rules, views) }).toEqual({ status, disabled: !isDone(status) });
    }
  });

  it('with & disables the item until every prerequisite is done', () => {
    const rules = prerequisiteDisabledRules('all', [link('a'), link('b')]);
    for (const a of STATUSES)
      for (const b of STATUSES) {
        const views = new Map([
          [prerequisiteObjectiveId('a'), VIEWS[a]],
          [prerequisiteObjectiveId('b'), VIEWS[b]],
        ]);
        expect({ a, b, disabled: isDisabled(rules, views) }).toEqual({
          a,
          b,
          disabled: !(isDone(a) && isDone(b)),
        });
      }
  });

  it('with | disables the item until any one prerequisite is done', () => {
    const rules = prerequisiteDisabledRules('any', [link('a'), link('b'), link('c')]);
    expect(rules).toHaveLength(27);
    for (const a of STATUSES)
      for (const b of STATUSES)
        for (const c of STATUSES) {
          const views = new Map([
            [prerequisiteObjectiveId('a'), VIEWS[a]],
            [prerequisiteObjectiveId('b'), VIEWS[b]],
            [prerequisiteObjectiveId('c'), VIEWS[c]],
          ]);
          const disabled = !(isDone(a) || isDone(b) || isDone(c));
          expect({ a, b, c, disabled: isDisabled(rules, views) }).toEqual({ a, b, c, disabled });
        }
  });
});
