import { element, type XElement } from '../xml/xml-tree';

/**
 * SCORM 1.2 prerequisites as SCORM 2004 sequencing.
 *
 * 1.2 counts a prerequisite item as done when its lesson_status is `passed` or `completed`. The
 * adapter page hands those to 2004 as: passed → success passed + completion completed; failed →
 * success failed + completion completed; completed (and browsed) → completion completed only.
 * So "done" in 2004 is: objective satisfied, or completed with no pass/fail known. Satisfaction
 * alone would lock items behind content that only reports completion, and completion alone
 * would open them after a failed test.
 *
 * Each prerequisite item writes both halves into one global objective: its primary objective's
 * satisfied status (imsss:mapInfo) and, through 4th Edition's adlseq:objectives, its completion
 * status. The dependent item reads that global objective into a local objective of its own and
 * is `disabled` by precondition rules while the item is not done. Rules treat unknown as "not
 * true", so every "not done" case is spelled out with conditions that are known.
 */

/** Local objective ids the merge adds; the adapter page hides them from 1.2 SCOs. */
export const MERGE_OBJECTIVE_PREFIX = 'urn:scorm-merge:';
/** The local id of a prerequisite item's primary objective. */
export const LESSON_STATUS_OBJECTIVE = `${MERGE_OBJECTIVE_PREFIX}lesson-status`;

/** Beyond this many `|` alternatives the rules (3 per alternative, multiplied) grow too many. */
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

type Condition = { condition: string; not: boolean };

/** The ways a prerequisite is not done, each a conjunction of conditions that are never unknown together. */
const NOT_DONE: Condition[][] = [
  // A pass/fail is known and it is not a pass.
  [
    { condition: 'objectiveStatusKnown', not: false },
    { condition: 'satisfied', not: true },
  ],
  // No pass/fail, and progress is known but not completed.
  [
    { condition: 'objectiveStatusKnown', not: true },
    { condition: 'completed', not: true },
  ],
  // Nothing reported yet.
  [
    { condition: 'objectiveStatusKnown', not: true },
    { condition: 'activityProgressKnown', not: true },
  ],
];

/**
 * `disabled` precondition rules: with `all`, the item is disabled while any prerequisite is not
 * done; with `any`, while none is done (every combination of the ways each is not done).
 */
export function prerequisiteDisabledRules(
  kind: 'all' | 'any',
  links: readonly PrerequisiteLink[],
): XElement[] {
  const conjunctions: Array<Array<Condition & { objectiveId: string }>> = [];
  if (kind === 'all') {
    for (const link of links)
      for (const way of NOT_DONE)
        conjunctions.push(way.map((c) => ({ ...c, objectiveId: link.objectiveId })));
  } else {
    let combinations: Array<Array<Condition & { objectiveId: string }>> = [[]];
    for (const link of links) {
      combinations = combinations.flatMap((partial) =>
        NOT_DONE.map((way) => [...partial, ...way.map((c) => ({ ...c, objectiveId: link.objectiveId }))]),
      );
    }
    conjunctions.push(...combinations);
  }
  return conjunctions.map((conditions) =>
    element('imsss:preConditionRule', {}, [
      element(
        'imsss:ruleConditions',
        { conditionCombination: 'all' },
        conditions.map((c) =>
          element('imsss:ruleCondition', {
            referencedObjective: c.objectiveId,
            operator: c.not ? 'not' : 'noOp',
            condition: c.condition,
          }),
        ),
      ),
      element('imsss:ruleAction', { action: 'disabled' }),
    ]),
  );
}
