/**
 * Plain words for the SCORM 2004 sequencing exception codes (SN book, processes NB.2.1, SB.2.x, DB.1.1)
 * that scorm-again reports when it refuses a navigation request.
 */
const REASONS: Record<string, string> = {
  'NB.2.1-1': 'the course has already started',
  'NB.2.1-2': 'the course has not started yet',
  'NB.2.1-3': 'there is no suspended attempt to resume',
  'NB.2.1-4': 'nothing is open to continue from',
  'NB.2.1-5': 'this part of the course is not walked with Continue (flow is off)',
  'NB.2.1-6': 'nothing is open to go back from',
  'NB.2.1-7': 'this part of the course is not walked with Previous (flow is off)',
  'NB.2.1-8': 'this part of the course only moves forward',
  'NB.2.1-9': 'no item was named',
  'NB.2.1-10': 'the item is not in this course',
  'NB.2.1-11': 'its module does not let you choose its items: take them in order',
  'NB.2.1-12': 'the open item must be left another way',
  'NB.2.1-13': 'the open item must be left another way',
  'SB.2.1-1': 'the course has reached its end',
  'SB.2.1-2': 'there is nothing after this item',
  'SB.2.1-3': 'there is nothing before this item',
  'SB.2.2-1': 'this part of the course is not walked with Continue or Previous (flow is off)',
  'SB.2.2-2': 'its module’s rules skip or disable it',
  'SB.2.7-1': 'nothing is open to continue from',
  'SB.2.7-2': 'the course has reached its end',
  'SB.2.8-1': 'nothing is open to go back from',
  'SB.2.8-2': 'this is the first item',
  'SB.2.9-1': 'the item is not in this course',
  'SB.2.9-2': 'the item is not in this course',
  'SB.2.9-3': 'it is the open item',
  'SB.2.9-4': 'it is hidden from choice',
  'SB.2.9-5': 'its module must be taken in order: choosing it is not allowed yet',
  'SB.2.9-6': 'its module must be started before its items can be chosen',
  'SB.2.9-7': 'it has nothing that can be delivered now',
  'SB.2.9-8': 'the open module must be finished before leaving it',
  'SB.2.9-9': 'its module only moves forward',
  'SB.2.12-1': 'the course’s rules do not allow it',
  'SB.2.12-5': 'its module’s rules skip or disable it',
  'SB.2.12-6': 'the course’s rules do not allow it',
  'DB.1.1-1': 'it cannot be delivered: it is a module, not a lesson',
  'DB.1.1-2': 'it cannot be delivered: its rules disable it',
  'DB.1.1-3': 'it cannot be delivered: its attempt limit or time limit is reached',
};

/** Why the sequencing engine refused, in plain words, with the SCORM code for engineers. */
export function explainSequencingException(code: string | null | undefined): string {
  if (!code) return 'the course’s sequencing rules do not allow it';
  const reason = REASONS[code] ?? 'the course’s sequencing rules do not allow it';
  return `${reason} (${code})`;
}

/** What the player reads of a scorm-again activity to explain a refused choice. */
export interface ActivityFacts {
  id: string;
  isHiddenFromChoice: boolean;
  isAvailable: boolean;
  parent: ActivityFacts | null;
  children: ActivityFacts[];
  sequencingControls: { choice: boolean };
  sequencingRules: { preConditionRules: Array<{ action: string }> };
}

interface WithActivityTree {
  getSequencingService(): { getSequencingState(): { rootActivity: unknown } } | null;
}

/** The activity of the engine's tree with this id, or null. */
export function findActivity(api: WithActivityTree, id: string): ActivityFacts | null {
  const root = api.getSequencingService()?.getSequencingState().rootActivity as ActivityFacts | null;
  const pending = root ? [root] : [];
  while (pending.length) {
    const activity = pending.pop() as ActivityFacts;
    if (activity.id === id) return activity;
    pending.push(...activity.children);
  }
  return null;
}

/** Why the engine predicts that a choice of `activity` is refused, from its sequencing definition. */
export function explainRefusedChoice(activity: ActivityFacts | null): string {
  if (!activity) return explainSequencingException('SB.2.9-1');
  for (let at: ActivityFacts | null = activity; at; at = at.parent) {
    if (at.isHiddenFromChoice) return explainSequencingException('SB.2.9-4');
  }
  if (activity.parent && !activity.parent.sequencingControls.choice)
    return explainSequencingException('NB.2.1-11');
  const ruleActions = activity.sequencingRules.preConditionRules.map((rule) => rule.action);
  if (ruleActions.includes('disabled')) {
    return 'its rules disable it until the lessons before it are done';
  }
  if (ruleActions.includes('hiddenFromChoice')) return explainSequencingException('SB.2.9-4');
  return 'the course’s sequencing rules do not allow it from here';
}
