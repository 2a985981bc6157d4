// The activity tree of a SCORM 2004 manifest's default organization, in the shape scorm-again's
// sequencing engine takes. Every schema default is written out: the engine's own defaults differ
// (flow on, every mapInfo read flag on), and a tree that leans on them passes broken manifests.
// Browser-safe: the XML reader and plain string work only.
import { attributeValue, childElements, firstChildNamed, textOf, xmlBase } from '../xml/xml-elements';
import { readXml, type XmlElement } from '../xml/xml-reader';
import type {
  ActivitySettings,
  CompletionThresholdSettings,
  DeliveryControlsSettings,
  HideLmsUiItem,
  ObjectiveMapInfoSettings,
  ObjectiveSettings,
  RollupConsiderationRequirement,
  RollupConsiderationsSettings,
  RollupRuleSettings,
  RuleActionName,
  SequencingControlsSettings,
  SequencingRuleSettings,
  SequencingRulesSettings,
  SequencingSettings,
} from './sequencing-settings';

export interface ActivityTreeOptions {
  /** The organization to build; the manifest's default (else its first) when omitted. */
  organizationId?: string;
}

/** A deliverable leaf: its item identifier and where it launches, relative to the package root. */
export interface LaunchableLeaf {
  id: string;
  title: string;
  resourceId: string;
  /** Resource href with xml:base applied and the item's parameters appended. */
  href: string;
}

/** The `sequencing` option for scorm-again's `new Scorm2004API({ sequencing })`. */
export function sequencingSettingsFromManifest(
  manifestXml: string,
  options: ActivityTreeOptions = {},
): SequencingSettings {
  const manifest = readXml(manifestXml);
  const organization = chosenOrganization(manifest, options.organizationId);
  const collection = sequencingCollection(manifest);
  return { activityTree: activityFrom(organization, collection) };
}

/** Every leaf of the organization in tree order, with its launch href. */
export function launchableLeaves(manifestXml: string, options: ActivityTreeOptions = {}): LaunchableLeaf[] {
  const manifest = readXml(manifestXml);
  const organization = chosenOrganization(manifest, options.organizationId);
  const resources = resourceHrefs(manifest);
  const leaves: LaunchableLeaf[] = [];
  const stack: XmlElement[] = [...items(organization)].reverse();
  while (stack.length > 0) {
    const item = stack.pop() as XmlElement;
    const children = items(item);
    if (children.length > 0) {
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      continue;
    }
    const resourceId = attributeValue(item, 'identifierref') ?? '';
    const href = resources.get(resourceId);
    if (href === undefined) continue;
    leaves.push({
      id: attributeValue(item, 'identifier') ?? '',
      title: titleOf(item),
      resourceId,
      href: withParameters(href, attributeValue(item, 'parameters') ?? ''),
    });
  }
  return leaves;
}

/** CAM 3.4.1.7: parameters join the href with `?` or `&`; a leading `?` is dropped, a `#` fragment kept. */
export function withParameters(href: string, parameters: string): string {
  const text = parameters.trim();
  if (!text) return href;
  if (text.startsWith('#')) return href + text;
  const query = text.startsWith('?') ? text.slice(1) : text;
  if (!query) return href;
  return href + (href.includes('?') ? '&' : '?') + query;
}

function chosenOrganization(manifest: XmlElement, wanted: string | undefined): XmlElement {
  const organizations = firstChildNamed(manifest, 'organizations');
  const all = organizations
    ? childElements(organizations).filter((el) => el.localName === 'organization')
    : [];
  const id = wanted ?? (organizations ? attributeValue(organizations, 'default') : null);
  const organization = all.find((el) => attributeValue(el, 'identifier') === id) ?? (wanted ? null : all[0]);
  if (!organization)
    throw new Error(
      wanted ? `No organization "${wanted}" in the manifest` : 'The manifest has no organization',
    );
  return organization;
}

function items(parent: XmlElement): XmlElement[] {
  return childElements(parent).filter((el) => el.localName === 'item');
}

function titleOf(element: XmlElement): string {
  const title = firstChildNamed(element, 'title');
  return title ? textOf(title).trim() : '';
}

function sequencingCollection(manifest: XmlElement): Map<string, XmlElement> {
  const byId = new Map<string, XmlElement>();
  const collection = firstChildNamed(manifest, 'sequencingCollection');
  if (!collection) return byId;
  for (const sequencing of childElements(collection)) {
    const id = attributeValue(sequencing, 'ID');
    if (sequencing.localName === 'sequencing' && id) byId.set(id, sequencing);
  }
  return byId;
}

function resourceHrefs(manifest: XmlElement): Map<string, string> {
  const hrefs = new Map<string, string>();
  const resources = firstChildNamed(manifest, 'resources');
  if (!resources) return hrefs;
  const base = xmlBase(manifest) + xmlBase(resources);
  for (const resource of childElements(resources)) {
    const href = attributeValue(resource, 'href');
    const id = attributeValue(resource, 'identifier');
    if (resource.localName === 'resource' && id && href) hrefs.set(id, base + xmlBase(resource) + href);
  }
  return hrefs;
}

/** The organization or an item as an activity; iterative, so deep trees cannot overflow the stack. */
function activityFrom(root: XmlElement, collection: Map<string, XmlElement>): ActivitySettings {
  const rootActivity = activitySettings(root, collection);
  const stack: Array<[XmlElement, ActivitySettings]> = [[root, rootActivity]];
  while (stack.length > 0) {
    const [element, activity] = stack.pop() as [XmlElement, ActivitySettings];
    const children = items(element);
    if (children.length === 0) continue;
    activity.children = children.map((child) => {
      const childActivity = activitySettings(child, collection);
      stack.push([child, childActivity]);
      return childActivity;
    });
  }
  return rootActivity;
}

function activitySettings(element: XmlElement, collection: Map<string, XmlElement>): ActivitySettings {
  const id = attributeValue(element, 'identifier') ?? '';
  const sequencing = effectiveSequencing(firstChildNamed(element, 'sequencing'), collection);
  const part = (name: string) => sequencing.get(name) ?? null;
  const limits = part('limitConditions');
  const { primaryObjective, objectives } = objectivesOf(id, part('objectives'), part('adlseq:objectives'));
  const activity: ActivitySettings = {
    id,
    title: titleOf(element),
    isVisible: (attributeValue(element, 'isvisible') ?? 'true') === 'true',
    attemptLimit:
      limits && attributeValue(limits, 'attemptLimit')
        ? Number(attributeValue(limits, 'attemptLimit'))
        : null,
    attemptAbsoluteDurationLimit: (limits && attributeValue(limits, 'attemptAbsoluteDurationLimit')) || null,
    objectives,
    sequencingRules: sequencingRules(part('sequencingRules')),
    sequencingControls: sequencingControls(
      part('controlMode'),
      part('rollupRules'),
      part('randomizationControls'),
      part('constrainedChoiceConsiderations'),
    ),
    deliveryControls: deliveryControls(part('deliveryControls')),
    rollupRules: { rules: rollupRules(part('rollupRules')) },
    rollupConsiderations: rollupConsiderations(part('rollupConsiderations')),
  };
  if (primaryObjective) activity.primaryObjective = primaryObjective;
  const timeLimitAction = firstChildNamed(element, 'timeLimitAction');
  if (timeLimitAction) activity.timeLimitAction = textOf(timeLimitAction).trim();
  const threshold = completionThreshold(firstChildNamed(element, 'completionThreshold'));
  if (threshold) activity.completionThreshold = threshold;
  const hidden = hideLmsUi(element);
  if (hidden.length > 0) activity.hideLmsUi = hidden;
  return activity;
}

/**
 * The item's sequencing merged over the collection entry its IDRef names: an element the item
 * defines replaces the collection's (CAM 5.1.1). Keys are local names; `adlseq:` ones are marked.
 */
function effectiveSequencing(
  sequencing: XmlElement | null,
  collection: Map<string, XmlElement>,
): Map<string, XmlElement> {
  const parts = new Map<string, XmlElement>();
  if (!sequencing) return parts;
  const key = (el: XmlElement) =>
    el.localName === 'objectives' && el.namespaceURI?.includes('adlseq') ? 'adlseq:objectives' : el.localName;
  const ref = attributeValue(sequencing, 'IDRef');
  const shared = ref ? collection.get(ref) : undefined;
  if (shared) for (const el of childElements(shared)) parts.set(key(el), el);
  for (const el of childElements(sequencing)) parts.set(key(el), el);
  return parts;
}

const flag = (element: XmlElement | null, name: string, fallback: boolean): boolean => {
  const value = element ? attributeValue(element, name) : null;
  if (value === null) return fallback;
  return value.trim() === 'true' || value.trim() === '1';
};

const decimal = (element: XmlElement | null, name: string, fallback: number): number => {
  const value = element ? attributeValue(element, name) : null;
  const number = value === null ? NaN : Number(value);
  return Number.isFinite(number) ? number : fallback;
};

function sequencingControls(
  controlMode: XmlElement | null,
  rollup: XmlElement | null,
  randomization: XmlElement | null,
  constrained: XmlElement | null,
): SequencingControlsSettings {
  const selectCount = randomization ? attributeValue(randomization, 'selectCount') : null;
  return {
    enabled: true,
    choice: flag(controlMode, 'choice', true),
    choiceExit: flag(controlMode, 'choiceExit', true),
    flow: flag(controlMode, 'flow', false),
    forwardOnly: flag(controlMode, 'forwardOnly', false),
    useCurrentAttemptObjectiveInfo: flag(controlMode, 'useCurrentAttemptObjectiveInfo', true),
    useCurrentAttemptProgressInfo: flag(controlMode, 'useCurrentAttemptProgressInfo', true),
    preventActivation: flag(constrained, 'preventActivation', false),
    constrainChoice: flag(constrained, 'constrainChoice', false),
    rollupObjectiveSatisfied: flag(rollup, 'rollupObjectiveSatisfied', true),
    rollupProgressCompletion: flag(rollup, 'rollupProgressCompletion', true),
    objectiveMeasureWeight: decimal(rollup, 'objectiveMeasureWeight', 1),
    selectionTiming: timing(randomization, 'selectionTiming'),
    selectCount: selectCount === null ? null : Number(selectCount),
    randomizeChildren: flag(randomization, 'reorderChildren', false),
    randomizationTiming: timing(randomization, 'randomizationTiming'),
  };
}

function timing(randomization: XmlElement | null, name: string): 'never' | 'once' | 'onEachNewAttempt' {
  const value = randomization ? attributeValue(randomization, name) : null;
  return value === 'once' || value === 'onEachNewAttempt' ? value : 'never';
}

function deliveryControls(element: XmlElement | null): DeliveryControlsSettings {
  return {
    tracked: flag(element, 'tracked', true),
    completionSetByContent: flag(element, 'completionSetByContent', false),
    objectiveSetByContent: flag(element, 'objectiveSetByContent', false),
  };
}

function sequencingRules(element: XmlElement | null): SequencingRulesSettings {
  const rules: SequencingRulesSettings = {
    preConditionRules: [],
    exitConditionRules: [],
    postConditionRules: [],
  };
  if (!element) return rules;
  for (const rule of childElements(element)) {
    const list =
      rule.localName === 'preConditionRule'
        ? rules.preConditionRules
        : rule.localName === 'exitConditionRule'
          ? rules.exitConditionRules
          : rule.localName === 'postConditionRule'
            ? rules.postConditionRules
            : null;
    if (list) list.push(sequencingRule(rule));
  }
  return rules;
}

function sequencingRule(rule: XmlElement): SequencingRuleSettings {
  const conditions = firstChildNamed(rule, 'ruleConditions');
  const action = firstChildNamed(rule, 'ruleAction');
  return {
    action: (action ? attributeValue(action, 'action') : 'skip') as RuleActionName,
    conditionCombination:
      conditions && attributeValue(conditions, 'conditionCombination') === 'any' ? 'any' : 'all',
    conditions: (conditions ? childElements(conditions) : [])
      .filter((el) => el.localName === 'ruleCondition')
      .map((condition) => {
        const settings: SequencingRuleSettings['conditions'][number] = {
          condition: attributeValue(condition, 'condition') ?? 'always',
          operator: attributeValue(condition, 'operator') === 'not' ? 'not' : 'noOp',
        };
        const objective = attributeValue(condition, 'referencedObjective');
        if (objective) settings.referencedObjective = objective;
        const threshold = attributeValue(condition, 'measureThreshold');
        settings.parameters = { threshold: threshold === null ? 0 : Number(threshold) };
        return settings;
      }),
  };
}

// The manifest's name for the one rollup condition the engine spells differently.
const ROLLUP_CONDITIONS: Record<string, string> = { activityProgressKnown: 'progressKnown' };

function rollupRules(element: XmlElement | null): RollupRuleSettings[] {
  if (!element) return [];
  return childElements(element)
    .filter((el) => el.localName === 'rollupRule')
    .map((rule) => {
      const conditions = firstChildNamed(rule, 'rollupConditions');
      const action = firstChildNamed(rule, 'rollupAction');
      const set = attributeValue(rule, 'childActivitySet') ?? 'all';
      return {
        action: (action ? attributeValue(action, 'action') : 'satisfied') as RollupRuleSettings['action'],
        conditionCombination:
          conditions && attributeValue(conditions, 'conditionCombination') === 'all' ? 'all' : 'any',
        consideration: set as RollupRuleSettings['consideration'],
        minimumCount: decimal(rule, 'minimumCount', 0),
        minimumPercent: decimal(rule, 'minimumPercent', 0) * 100,
        conditions: (conditions ? childElements(conditions) : [])
          .filter((el) => el.localName === 'rollupCondition')
          .map((condition) => {
            const name = attributeValue(condition, 'condition') ?? 'always';
            return {
              condition: ROLLUP_CONDITIONS[name] ?? name,
              operator: attributeValue(condition, 'operator') === 'not' ? 'not' : 'noOp',
            };
          }),
      };
    });
}

function rollupConsiderations(element: XmlElement | null): RollupConsiderationsSettings {
  const requirement = (name: string): RollupConsiderationRequirement => {
    const value = element ? attributeValue(element, name) : null;
    return value === 'ifAttempted' || value === 'ifNotSkipped' || value === 'ifNotSuspended'
      ? value
      : 'always';
  };
  return {
    requiredForSatisfied: requirement('requiredForSatisfied'),
    requiredForNotSatisfied: requirement('requiredForNotSatisfied'),
    requiredForCompleted: requirement('requiredForCompleted'),
    requiredForIncomplete: requirement('requiredForIncomplete'),
    measureSatisfactionIfActive: flag(element, 'measureSatisfactionIfActive', true),
  };
}

/**
 * imsss objectives plus the 4th Edition adlseq maps for the same objective and target, one mapInfo
 * per target. Flags neither map names stay off: the engine would otherwise read everything.
 */
function objectivesOf(
  activityId: string,
  imsss: XmlElement | null,
  adlseq: XmlElement | null,
): { primaryObjective?: ObjectiveSettings; objectives: ObjectiveSettings[] } {
  const extra = new Map<string, Map<string, XmlElement>>();
  for (const objective of adlseq ? childElements(adlseq) : []) {
    const objectiveId = attributeValue(objective, 'objectiveID');
    if (objective.localName !== 'objective' || !objectiveId) continue;
    const byTarget = new Map<string, XmlElement>();
    for (const map of childElements(objective)) {
      const target = attributeValue(map, 'targetObjectiveID');
      if (map.localName === 'mapInfo' && target) byTarget.set(target, map);
    }
    extra.set(objectiveId, byTarget);
  }

  let primaryObjective: ObjectiveSettings | undefined;
  const objectives: ObjectiveSettings[] = [];
  for (const objective of imsss ? childElements(imsss) : []) {
    const isPrimary = objective.localName === 'primaryObjective';
    if (!isPrimary && objective.localName !== 'objective') continue;
    // A primary objective may go unnamed (it then maps nowhere); the engine needs an id to keep it.
    const objectiveId = attributeValue(objective, 'objectiveID') || `${activityId}.primary`;
    const satisfiedByMeasure = flag(objective, 'satisfiedByMeasure', false);
    const measure = firstChildNamed(objective, 'minNormalizedMeasure');
    const minimum = measure ? Number(textOf(measure).trim()) : 1;
    const adlMaps = extra.get(objectiveId) ?? new Map<string, XmlElement>();
    const mapInfo: ObjectiveMapInfoSettings[] = [];
    const targets = new Set<string>();
    for (const map of childElements(objective)) {
      const target = attributeValue(map, 'targetObjectiveID');
      if (map.localName !== 'mapInfo' || !target) continue;
      targets.add(target);
      mapInfo.push(mapInfoSettings(target, map, adlMaps.get(target) ?? null));
    }
    for (const [target, map] of adlMaps)
      if (!targets.has(target)) mapInfo.push(mapInfoSettings(target, null, map));
    const settings: ObjectiveSettings = {
      objectiveID: objectiveId,
      isPrimary,
      satisfiedByMeasure,
      // RTE 4.2.18: the measure only counts when satisfiedByMeasure is set.
      minNormalizedMeasure: satisfiedByMeasure ? (Number.isFinite(minimum) ? minimum : 1) : null,
      mapInfo,
    };
    if (isPrimary) primaryObjective = settings;
    else objectives.push(settings);
  }
  return primaryObjective ? { primaryObjective, objectives } : { objectives };
}

function mapInfoSettings(
  target: string,
  imsss: XmlElement | null,
  adlseq: XmlElement | null,
): ObjectiveMapInfoSettings {
  return {
    targetObjectiveID: target,
    readSatisfiedStatus: imsss ? flag(imsss, 'readSatisfiedStatus', true) : false,
    readNormalizedMeasure: imsss ? flag(imsss, 'readNormalizedMeasure', true) : false,
    writeSatisfiedStatus: flag(imsss, 'writeSatisfiedStatus', false),
    writeNormalizedMeasure: flag(imsss, 'writeNormalizedMeasure', false),
    readCompletionStatus: adlseq ? flag(adlseq, 'readCompletionStatus', true) : false,
    writeCompletionStatus: flag(adlseq, 'writeCompletionStatus', false),
    readProgressMeasure: adlseq ? flag(adlseq, 'readProgressMeasure', true) : false,
    writeProgressMeasure: flag(adlseq, 'writeProgressMeasure', false),
    readRawScore: adlseq ? flag(adlseq, 'readRawScore', true) : false,
    writeRawScore: flag(adlseq, 'writeRawScore', false),
    readMinScore: adlseq ? flag(adlseq, 'readMinScore', true) : false,
    writeMinScore: flag(adlseq, 'writeMinScore', false),
    readMaxScore: adlseq ? flag(adlseq, 'readMaxScore', true) : false,
    writeMaxScore: flag(adlseq, 'writeMaxScore', false),
    updateAttemptData: false,
  };
}

/** adlcp:completionThreshold: a 4th Edition element with attributes, or 3rd Edition's bare decimal. */
function completionThreshold(element: XmlElement | null): CompletionThresholdSettings | null {
  if (!element) return null;
  const text = textOf(element).trim();
  if (text) {
    const value = Number(text);
    return Number.isFinite(value)
      ? { completedByMeasure: true, minProgressMeasure: value, progressWeight: 1 }
      : null;
  }
  return {
    completedByMeasure: flag(element, 'completedByMeasure', false),
    minProgressMeasure: decimal(element, 'minProgressMeasure', 1),
    progressWeight: decimal(element, 'progressWeight', 1),
  };
}

const HIDE_TOKENS = new Set<string>([
  'continue',
  'previous',
  'exit',
  'exitAll',
  'abandon',
  'abandonAll',
  'suspendAll',
]);

function hideLmsUi(item: XmlElement): HideLmsUiItem[] {
  const presentation = firstChildNamed(item, 'presentation');
  const navigation = presentation ? firstChildNamed(presentation, 'navigationInterface') : null;
  if (!navigation) return [];
  const tokens = childElements(navigation)
    .filter((el) => el.localName === 'hideLMSUI')
    .map((el) => textOf(el).trim())
    .filter((token) => HIDE_TOKENS.has(token));
  return [...new Set(tokens)] as HideLmsUiItem[];
}
