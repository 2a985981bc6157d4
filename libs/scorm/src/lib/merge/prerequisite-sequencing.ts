import { element, type XElement } from '../xml/xml-tree';

/**
 * SCORM 1.2 prerequisites as SCORM 2004 sequencing.
 *
 * 1.2 counts a prerequisite item as done when its lesson_status is `passed` or `completed`. The
 * adapter page hands those to 2004 as: passed → success passed + completion completed; failed →
 * success failed + completion completed; completed → completion completed; incomplete →
 * completion incomplete. When the attempt ends, the 2004 sequencer fills in what the content left
 * unset (completionSetByContent and objectiveSetByContent are false for converted items): completed
 * and satisfied. So "done" in 2004 is satisfied and completed: failed is completed but not
 * satisfied, incomplete is satisfied by that default but not completed, and an item never
 * attempted is neither. Completion alone would open items after a failed test; satisfaction alone
 * after an incomplete one.
 *
 * Each prerequisite item writes both into one global objective: its primary objective's satisfied
 * status (imsss:mapInfo) and, through 4th Edition's adlseq:objectives, its completion status. The
 * dependent item reads that global objective into a local objective of its own and is `disabled`
 * by precondition rules while the item is not done. A rule applies only when its conditions are
 * true, never when unknown, so "not done" also names the unknown cases with conditions that are
 * always known (objectiveStatusKnown, activityProgressKnown). The 4th Edition golf post-test
 * sample in the shared fixtures gates its SCOs on completion the same way.
 */

/** Local objective ids the merge adds; the adapter page hides them from 1.2 SCOs. */
export const MERGE_OBJECTIVE_PREFIX = 'urn:scorm-merge:';
/** The local id of a prerequisite item's primary objective. */
export const LESSON_STATUS_OBJECTIVE = `${MERGE_OBJECTIVE_PREFIX}lesson-status`;

/** Beyond this many `|` alternatives the rules (4 to the power of the alternatives) grow too many. */
export const MAX_ANY_ALTERNATIVES = 3;

/** The local objective through which a dependent item reads a prerequisite item's status. */
export function prerequisiteObjectiveId(prerequisiteItemId: string): string {
  return `${MERGE_OBJECTIVE_PREFIX}prerequisite:${prerequisiteItemId}`;
}

/** A prerequisite item as the dependent item sees it. */
export interface PrerequisiteLink {
  /** The local objective on the dependent item. */
  objectiveId: string;
  /** The global objective the prerequisite item writes. */
  globalObjectiveId: string;
}

/** imsss:mapInfo for the prerequisite item's primary objective: writes satisfaction only. */
export function lessonStatusWriteMap(globalObjectiveId: string): XElement {
  return element('imsss:mapInfo', {
    targetObjectiveID: globalObjectiveId,
    readSatisfiedStatus: 'false',
    readNormalizedMeasure: 'false',
    writeSatisfiedStatus: 'true',
    writeNormalizedMeasure: 'false',
  });
}

/** adlseq:objective writing the prerequisite item's completion into its global objective. */
export function lessonStatusCompletionWrite(globalObjectiveId: string): XElement {
  return element('adlseq:objective', { objectiveID: LESSON_STATUS_OBJECTIVE }, [
    element('adlseq:mapInfo', {
      targetObjectiveID: globalObjectiveId,
      ...NO_ADLSEQ_READS,
      writeCompletionStatus: 'true',
    }),
  ]);
}

/** The dependent item's local objective reading a prerequisite item's satisfaction. */
export function prerequisiteReadObjective(link: PrerequisiteLink): XElement {
  return element('imsss:objective', { objectiveID: link.objectiveId }, [
    element('imsss:mapInfo', {
      targetObjectiveID: link.globalObjectiveId,
      readSatisfiedStatus: 'true',
      readNormalizedMeasure: 'false',
      writeSatisfiedStatus: 'false',
      writeNormalizedMeasure: 'false',
    }),
  ]);
}

/** adlseq:objective reading a prerequisite item's completion into the same local objective. */
export function prerequisiteCompletionRead(link: PrerequisiteLink): XElement {
  return element('adlseq:objective', { objectiveID: link.objectiveId }, [
    element('adlseq:mapInfo', {
      targetObjectiveID: link.globalObjectiveId,
      ...NO_ADLSEQ_READS,
      readCompletionStatus: 'true',
    }),
  ]);
}

/** Every adlseq read flag defaults to true: only what is meant to be read is read. */
const NO_ADLSEQ_READS = {
  readRawScore: 'false',
  readMinScore: 'false',
  readMaxScore: 'false',
  readCompletionStatus: 'false',
  readProgressMeasure: 'false',
};

/** The ways a prerequisite is not done: each a condition on its local objective, negated. */
const NOT_DONE = ['objectiveStatusKnown', 'satisfied', 'activityProgressKnown', 'completed'] as const;

type NotDoneCondition = { objectiveId: string; condition: (typeof NOT_DONE)[number] };

/**
 * `disabled` precondition rules: with `all`, one rule per prerequisite, true when any way it is
 * not done holds; with `any`, one rule per combination of a way each prerequisite is not done, so
 * some rule is true exactly when none is done.
 */
export function prerequisiteDisabledRules(
  kind: 'all' | 'any',
  links: readonly PrerequisiteLink[],
): XElement[] {
  if (kind === 'all') {
    return links.map((link) =>
      disabledRule(
        'any',
        NOT_DONE.map((condition) => ({ objectiveId: link.objectiveId, condition })),
      ),
    );
  }
  let combinations: NotDoneCondition[][] = [[]];
  for (const link of links) {
    combinations = combinations.flatMap((partial) =>
      NOT_DONE.map((condition) => [...partial, { objectiveId: link.objectiveId, condition }]),
    );
  }
  return combinations.map((conditions) => disabledRule('all', conditions));
}

function disabledRule(combination: 'all' | 'any', conditions: readonly NotDoneCondition[]): XElement {
  return element('imsss:preConditionRule', {}, [
    element(
      'imsss:ruleConditions',
      { conditionCombination: combination },
      conditions.map((c) =>
        element('imsss:ruleCondition', {
          referencedObjective: c.objectiveId,
          operator: 'not',
          condition: c.condition,
        }),
      ),
    ),
    element('imsss:ruleAction', { action: 'disabled' }),
  ]);
}
