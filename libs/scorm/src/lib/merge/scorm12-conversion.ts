/**
 * SCORM 1.2 CMITimespan (`HHHH:MM:SS.SS`, hours 2–4 digits) to an ISO 8601 duration
 * (`PT1H30M`); null when the text is not a timespan.
 */
export function timespanToIsoDuration(timespan: string): string | null {
  const match = /^(\d{1,4}):([0-5]?\d):([0-5]?\d)(\.\d{1,2})?$/.exec(timespan.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = Number(`${match[3]}${match[4] ?? ''}`);
  let text = 'PT';
  if (hours) text += `${hours}H`;
  if (minutes) text += `${minutes}M`;
  if (seconds || text === 'PT') text += `${+seconds.toFixed(2)}S`;
  return text;
}

/** A 1.2 masteryscore (0–100) as a 2004 normalized measure (0–1); null when it is not one. */
export function masteryScoreToMeasure(masteryScore: string): string | null {
  const text = masteryScore.trim();
  if (!/^\d{1,3}(\.\d+)?$/.test(text)) return null;
  const value = Number(text);
  if (value < 0 || value > 100) return null;
  return String(+(value / 100).toFixed(4));
}

/** 1.2 prerequisites (aicc_script): item identifiers are the tokens between operators. */
export function rewritePrerequisiteIds(expression: string, ids: ReadonlyMap<string, string>): string {
  return expression.replace(/[^\s&|~=<>{}(),*]+/g, (token) => ids.get(token) ?? token);
}

/** The 1.2 timeLimitAction vocabulary is the same words in 2004. */
export const TIME_LIMIT_ACTIONS = new Set([
  'exit,message',
  'exit,no message',
  'continue,message',
  'continue,no message',
]);
