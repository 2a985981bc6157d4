import type { DescriptionSourceValue } from '@scorm-merge/packages';

export interface CandidatePackage {
  id: string;
  filename: string;
  position: number;
  error: string | null;
  descriptionSource: DescriptionSourceValue;
}

export type TargetSelection =
  | { ok: true; packageIds: string[]; skippedManual: number }
  | { ok: false; problem: 'bad-request' | 'not-found'; message: string };

/**
 * Which packages a new task describes, in course order: the requested ones (or all), valid ones only,
 * hand-written descriptions left alone unless `regenerate`. Framework-free; the service turns
 * problems into GraphQL errors.
 */
export function selectTaskTargets(
  sessionId: string,
  packages: CandidatePackage[],
  requested: string[] | null | undefined,
  regenerate: boolean,
): TargetSelection {
  const ordered = [...packages].sort((a, b) => a.position - b.position);
  let chosen = ordered;
  if (requested) {
    if (requested.length === 0)
      return {
        ok: false,
        problem: 'bad-request',
        message: 'packageIds is empty: list at least one package, or leave it out for all',
      };
    if (new Set(requested).size !== requested.length)
      return { ok: false, problem: 'bad-request', message: 'packageIds lists a package more than once' };
    const byId = new Set(packages.map((p) => p.id));
    const unknown = requested.filter((id) => !byId.has(id));
    if (unknown.length > 0)
      return {
        ok: false,
        problem: 'not-found',
        message: `Not packages of session ${sessionId}: ${unknown.join(', ')}`,
      };
    const wanted = new Set(requested);
    chosen = ordered.filter((p) => wanted.has(p.id));
    const invalid = chosen.filter((p) => p.error !== null);
    if (invalid.length > 0) {
      return {
        ok: false,
        problem: 'bad-request',
        message: `Invalid packages cannot be described: ${invalid.map((p) => `${p.filename} (${p.error})`).join('; ')}`,
      };
    }
  }
  const valid = chosen.filter((p) => p.error === null);
  if (valid.length === 0) {
    return {
      ok: false,
      problem: 'bad-request',
      message: `Session ${sessionId} has no valid package to describe`,
    };
  }
  const targets = regenerate ? valid : valid.filter((p) => p.descriptionSource !== 'MANUAL');
  return { ok: true, packageIds: targets.map((p) => p.id), skippedManual: valid.length - targets.length };
}
