import { childElementsOf, getAttribute, type XElement } from '../xml/xml-tree';
import {
  prerequisiteDisabledRules,
  prerequisiteObjectiveId,
  type PrerequisiteLink,
} from './prerequisite-sequencing';

/** A prerequisite item's status as the dependent item's local objective reads it. */
interface ObjectiveView {
  satisfied: boolean | 'unknown';
  completion: 'completed' | 'incomplete' | 'unknown';
}
const VIEWS: ObjectiveView[] = (['unknown', true, false] as const).flatMap((satisfied) =>
  (['unknown', 'completed', 'incomplete'] as const).map((completion) => ({ satisfied, completion })),
);
/**
 * Done as SCORM 1.2 means it, in 2004 terms once the attempt ended: 1.2 passed is satisfied and
 * completed; completed is completed and satisfied by the sequencer's default; failed is not
 * satisfied; incomplete is not completed; not attempted is neither known.
 */
const isDone = (view: ObjectiveView) => view.satisfied === true && view.completion === 'completed';
const label = (view: ObjectiveView) => `satisfied ${view.satisfied}, ${view.completion}`;

type Kleene = boolean | 'unknown';

/** SN rule evaluation: conditions are true, false or unknown; a rule applies only when true. */
function conditionValue(view: ObjectiveView, condition: string): Kleene {
  switch (condition) {
    case 'objectiveStatusKnown':
      return view.satisfied !== 'unknown';
    case 'satisfied':
      return view.satisfied;
    case 'activityProgressKnown':
      return view.completion !== 'unknown';
    case 'completed':
      return view.completion === 'unknown' ? 'unknown' : view.completion === 'completed';
    default:
      throw new Error(`unexpected condition ${condition}`);
  }
}

/** SN rule evaluation: each condition is true, false or unknown; a rule applies only when true. */
function isDisabled(rules: XElement[], views: ReadonlyMap<string, ObjectiveView>): boolean {
  return rules.some((rule) => {
    expect(getAttribute(childElementsOf(rule, 'imsss:ruleAction')[0], 'action')).toBe('disabled');
    const conditions = childElementsOf(rule, 'imsss:ruleConditions')[0];
    const values = childElementsOf(conditions, 'imsss:ruleCondition').map((condition): Kleene => {
      const view = views.get(getAttribute(condition, 'referencedObjective') ?? '') as ObjectiveView;
      const value = conditionValue(view, getAttribute(condition, 'condition') ?? '');
      if (getAttribute(condition, 'operator') !== 'not') return value;
      return value === 'unknown' ? 'unknown' : !value;
    });
    if (getAttribute(conditions, 'conditionCombination') === 'any') {
      return values.some((value) => value === true);
    }
    return values.every((value) => value === true);
  });
}

const link = (itemId: string): PrerequisiteLink => ({
  objectiveId: prerequisiteObjectiveId(itemId),
  globalObjectiveId: `p01.lesson-status.${itemId}`,
});

describe('prerequisiteDisabledRules', () => {
  it('disables the item until its one prerequisite is satisfied and completed, in every status', () => {
    const rules = prerequisiteDisabledRules('all', [link('a')]);
    expect(rules).toHaveLength(1);
    for (const view of VIEWS) {
      const views = new Map([[prerequisiteObjectiveId('a'), view]]);
      expect({ a: label(view), disabled: isDisabled(rules, views) }).toEqual({
        a: label(view),
        disabled: !isDone(view),
      });
    }
  });

  it('with & disables the item until every prerequisite is done', () => {
    const rules = prerequisiteDisabledRules('all', [link('a'), link('b')]);
    expect(rules).toHaveLength(2);
    for (const a of VIEWS)
      for (const b of VIEWS) {
        const views = new Map([
          [prerequisiteObjectiveId('a'), a],
          [prerequisiteObjectiveId('b'), b],
        ]);
        const disabled = !(isDone(a) && isDone(b));
        expect({ a: label(a), b: label(b), disabled: isDisabled(rules, views) }).toEqual({
          a: label(a),
          b: label(b),
          disabled,
        });
      }
  });

  it('with | disables the item until any one prerequisite is done', () => {
    const rules = prerequisiteDisabledRules('any', [link('a'), link('b'), link('c')]);
    expect(rules).toHaveLength(64);
    for (const a of VIEWS)
      for (const b of VIEWS)
        for (const c of VIEWS) {
          const views = new Map([
            [prerequisiteObjectiveId('a'), a],
            [prerequisiteObjectiveId('b'), b],
            [prerequisiteObjectiveId('c'), c],
          ]);
          const disabled = !(isDone(a) || isDone(b) || isDone(c));
          expect({ a: label(a), b: label(b), c: label(c), disabled: isDisabled(rules, views) }).toEqual({
            a: label(a),
            b: label(b),
            c: label(c),
            disabled,
          });
        }
  });
});
