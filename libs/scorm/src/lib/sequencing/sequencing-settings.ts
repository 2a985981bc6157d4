// The shape of scorm-again 3.4.3's `sequencing` option (dist/types/types/sequencing_types.d.ts), mirrored
// with string unions: its enums cannot be imported type-only, and this file must build for the browser too.
// A host passes the result to `new Scorm2004API({ sequencing })` through one cast.

export type RuleActionName =
  | 'skip'
  | 'disabled'
  | 'hiddenFromChoice'
  | 'stopForwardTraversal'
  | 'exitParent'
  | 'exitAll'
  | 'retry'
  | 'retryAll'
  | 'continue'
  | 'previous'
  | 'exit';

export interface RuleConditionSettings {
  condition: string;
  operator?: 'not' | 'noOp';
  referencedObjective?: string;
  parameters?: { threshold: number };
}

export interface SequencingRuleSettings {
  action: RuleActionName;
  conditionCombination: 'all' | 'any';
  conditions: RuleConditionSettings[];
}

export interface SequencingRulesSettings {
  preConditionRules: SequencingRuleSettings[];
  exitConditionRules: SequencingRuleSettings[];
  postConditionRules: SequencingRuleSettings[];
}

export interface RollupConditionSettings {
  condition: string;
  operator: 'not' | 'noOp';
}

export interface RollupRuleSettings {
  action: 'satisfied' | 'notSatisfied' | 'completed' | 'incomplete';
  conditionCombination: 'all' | 'any';
  consideration: 'all' | 'any' | 'none' | 'atLeastCount' | 'atLeastPercent';
  minimumCount: number;
  /** 0–100 in scorm-again; the manifest says 0–1. */
  minimumPercent: number;
  conditions: RollupConditionSettings[];
}

export interface SequencingControlsSettings {
  enabled: boolean;
  choice: boolean;
  choiceExit: boolean;
  flow: boolean;
  forwardOnly: boolean;
  useCurrentAttemptObjectiveInfo: boolean;
  useCurrentAttemptProgressInfo: boolean;
  preventActivation: boolean;
  constrainChoice: boolean;
  rollupObjectiveSatisfied: boolean;
  rollupProgressCompletion: boolean;
  objectiveMeasureWeight: number;
  selectionTiming: 'never' | 'once' | 'onEachNewAttempt';
  selectCount: number | null;
  randomizeChildren: boolean;
  randomizationTiming: 'never' | 'once' | 'onEachNewAttempt';
}

export interface DeliveryControlsSettings {
  tracked: boolean;
  completionSetByContent: boolean;
  objectiveSetByContent: boolean;
}

export interface ObjectiveMapInfoSettings {
  targetObjectiveID: string;
  readSatisfiedStatus: boolean;
  readNormalizedMeasure: boolean;
  writeSatisfiedStatus: boolean;
  writeNormalizedMeasure: boolean;
  readCompletionStatus: boolean;
  writeCompletionStatus: boolean;
  readProgressMeasure: boolean;
  writeProgressMeasure: boolean;
  readRawScore: boolean;
  writeRawScore: boolean;
  readMinScore: boolean;
  writeMinScore: boolean;
  readMaxScore: boolean;
  writeMaxScore: boolean;
  updateAttemptData: boolean;
}

export interface ObjectiveSettings {
  objectiveID: string;
  isPrimary: boolean;
  satisfiedByMeasure: boolean;
  minNormalizedMeasure: number | null;
  mapInfo: ObjectiveMapInfoSettings[];
}

export type RollupConsiderationRequirement = 'always' | 'ifAttempted' | 'ifNotSkipped' | 'ifNotSuspended';

export interface RollupConsiderationsSettings {
  requiredForSatisfied: RollupConsiderationRequirement;
  requiredForNotSatisfied: RollupConsiderationRequirement;
  requiredForCompleted: RollupConsiderationRequirement;
  requiredForIncomplete: RollupConsiderationRequirement;
  measureSatisfactionIfActive: boolean;
}

export interface CompletionThresholdSettings {
  completedByMeasure: boolean;
  minProgressMeasure: number;
  progressWeight: number;
}

export type HideLmsUiItem =
  'continue' | 'previous' | 'exit' | 'exitAll' | 'abandon' | 'abandonAll' | 'suspendAll';

export interface ActivitySettings {
  id: string;
  title: string;
  children?: ActivitySettings[];
  isVisible: boolean;
  attemptLimit: number | null;
  attemptAbsoluteDurationLimit: string | null;
  timeLimitAction?: string;
  primaryObjective?: ObjectiveSettings;
  objectives: ObjectiveSettings[];
  sequencingRules: SequencingRulesSettings;
  sequencingControls: SequencingControlsSettings;
  deliveryControls: DeliveryControlsSettings;
  rollupRules: { rules: RollupRuleSettings[] };
  rollupConsiderations: RollupConsiderationsSettings;
  completionThreshold?: CompletionThresholdSettings;
  hideLmsUi?: HideLmsUiItem[];
}

export interface SequencingSettings {
  activityTree: ActivitySettings;
}
