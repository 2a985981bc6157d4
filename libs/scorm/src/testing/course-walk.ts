// Walks a SCORM 2004 course under scorm-again's sequencing engine, as an LMS and a learner would.
// The engine runs in a plain vm context: no DOM, no browser. Its known deviations from the SN book
// are kept out of the verdicts: every default is explicit in the tree (activity-tree.ts), and a
// choice into a cluster is checked against SB.2.9 here (the engine skips the Flow Subprocess).
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { launchableLeaves, sequencingSettingsFromManifest } from '../lib/sequencing/activity-tree';
import type { ActivitySettings, SequencingRuleSettings } from '../lib/sequencing/sequencing-settings';

interface EngineActivity {
  id: string;
  children: EngineActivity[];
  completionStatus: string;
  successStatus: string;
}

interface EngineApi {
  Initialize(p: string): string;
  Terminate(p: string): string;
  SetValue(e: string, v: string): string;
  GetLastError(): string;
  reset(settings?: unknown, options?: { preserveListeners?: boolean }): void;
  processNavigationRequest(request: string, target?: string): boolean;
  getSequencingService(): {
    getOverallSequencingProcess(): {
      activityTree: { root: EngineActivity; currentActivity: EngineActivity | null };
    };
  } | null;
}

type EngineConstructor = new (settings: unknown) => EngineApi;

let engine: EngineConstructor | null = null;

/** scorm-again's SCORM 2004 run-time, loaded once into a sandbox (its bundle assigns to `this`). */
function scorm2004Engine(): EngineConstructor {
  if (engine) return engine;
  // The engine logs every delivery with console.log whatever its logLevel; warnings and errors still show.
  const quiet = { ...console, log: () => undefined, info: () => undefined, debug: () => undefined };
  const context = createContext({ console: quiet, setTimeout, clearTimeout, setInterval, clearInterval });
  context['window'] = context;
  runInContext(readFileSync(require.resolve('scorm-again/scorm2004'), 'utf8'), context);
  engine = context['Scorm2004API'] as EngineConstructor;
  return engine;
}

export type Outcome =
  | { kind: 'delivered'; id: string }
  | { kind: 'ended'; reason: string }
  | { kind: 'refused'; error: string | null };

export interface LearnerResult {
  completed: boolean;
  passed: boolean;
}

const DONE: LearnerResult = { completed: true, passed: true };

/** One learner session on one course: the LMS side (deliveries) and the learner side (the SCO's calls). */
export class CourseSession {
  private readonly api: EngineApi;
  private delivered: string | null = null;
  private ended: string | null = null;
  private error: string | null = null;
  /** Post-condition rules that returned a sequencing request during the last step (TB.2.3, TB.2.2). */
  overrides: Array<{ activity: string; request: string }> = [];

  constructor(readonly tree: ActivitySettings) {
    const Engine = scorm2004Engine();
    this.api = new Engine({
      logLevel: 5,
      sequencing: {
        activityTree: tree,
        eventListeners: {
          onActivityDelivery: (activity: { id: string }) => (this.delivered = activity.id),
          onSequencingSessionEnd: (data: { reason: string; exception?: string | null }) =>
            (this.ended = `${data.reason}${data.exception ? ` (${data.exception})` : ''}`),
          onSequencingError: (error: string) => (this.error = error),
          // Events the engine has no listener slot for reach the debug listener by name.
          onSequencingDebug: (
            event: string,
            data?: { activity?: string; sequencingRequest?: string | null },
          ) => {
            if (event.endsWith(': onPostConditionEvaluated') && data?.activity && data.sequencingRequest)
              this.overrides.push({ activity: data.activity, request: data.sequencingRequest });
          },
        },
      },
    });
  }

  start(): Outcome {
    return this.outcome(() => this.api.processNavigationRequest('start'));
  }

  /** The delivered SCO runs: it reports its result, asks for `request` and terminates. */
  learn(request: string, result: LearnerResult = DONE): Outcome {
    return this.outcome(() => {
      this.api.reset(undefined, { preserveListeners: true });
      this.api.Initialize('');
      this.api.SetValue('cmi.completion_status', result.completed ? 'completed' : 'incomplete');
      if (result.passed) {
        this.api.SetValue('cmi.score.scaled', '1');
        this.api.SetValue('cmi.success_status', 'passed');
      }
      this.api.SetValue('adl.nav.request', request);
      this.api.Terminate('');
    });
  }

  get current(): string | null {
    return this.process()?.activityTree.currentActivity?.id ?? null;
  }

  /** Completion and success of an activity as the engine rolled them up. */
  status(id: string): { completion: string; success: string } {
    const root = this.process()?.activityTree.root;
    const stack = root ? [root] : [];
    while (stack.length > 0) {
      const activity = stack.pop() as EngineActivity;
      if (activity.id === id)
        return { completion: activity.completionStatus, success: activity.successStatus };
      stack.push(...activity.children);
    }
    throw new Error(`No activity ${id}`);
  }

  private process() {
    return this.api.getSequencingService()?.getOverallSequencingProcess() ?? null;
  }

  private outcome(act: () => void): Outcome {
    this.delivered = null;
    this.ended = null;
    this.error = null;
    this.overrides = [];
    act();
    if (this.ended !== null) return { kind: 'ended', reason: this.ended };
    if (this.delivered !== null) return { kind: 'delivered', id: this.delivered };
    return { kind: 'refused', error: this.error };
  }
}

/** The parts of a tree a walk needs: leaves in order, each activity's parent, lookups by id. */
export class TreeIndex {
  readonly leaves: string[] = [];
  readonly parent = new Map<string, string>();
  readonly byId = new Map<string, ActivitySettings>();

  constructor(readonly root: ActivitySettings) {
    const stack: ActivitySettings[] = [root];
    while (stack.length > 0) {
      const activity = stack.pop() as ActivitySettings;
      this.byId.set(activity.id, activity);
      const children = activity.children ?? [];
      if (children.length === 0 && activity !== root) this.leaves.push(activity.id);
      for (let i = children.length - 1; i >= 0; i--) {
        this.parent.set(children[i].id, activity.id);
        stack.push(children[i]);
      }
    }
  }

  /** Leaves below `id`, in order. */
  leavesUnder(id: string): string[] {
    return this.leaves.filter((leaf) => this.isWithin(leaf, id));
  }

  /** Child positions from `ancestor` down to `id`: the same activity's address in another copy of the tree. */
  pathFrom(ancestor: string, id: string): number[] {
    const path: number[] = [];
    for (let at = id; at !== ancestor;) {
      const parent = this.parent.get(at);
      if (parent === undefined) throw new Error(`${id} is not within ${ancestor}`);
      path.unshift((this.byId.get(parent)?.children ?? []).findIndex((child) => child.id === at));
      at = parent;
    }
    return path;
  }

  isWithin(id: string, ancestor: string): boolean {
    for (let at: string | undefined = id; at !== undefined; at = this.parent.get(at))
      if (at === ancestor) return true;
    return false;
  }

  /**
   * SB.2.9: a choice into a cluster flows down from it, so every cluster from the target to the
   * delivered leaf must allow flow. The engine does not check this; null when the path is sound.
   */
  choiceFlowViolation(target: string, delivered: string): string | null {
    if (!this.isWithin(delivered, target)) return `delivered ${delivered}, outside ${target}`;
    for (let at = this.parent.get(delivered); at !== undefined; at = this.parent.get(at)) {
      if (!this.byId.get(at)?.sequencingControls.flow) return `flow is off on ${at}`;
      if (at === target) break;
    }
    return null;
  }
}

export interface ContinuePass {
  /** Distinct leaves delivered, in first-delivery order. */
  reached: string[];
  deliveries: string[];
  /** How the pass stopped. */
  stop: Outcome | { kind: 'bound'; loop: string[] };
}

/**
 * From `first` on, the learner completes and passes each SCO and asks for `continue`, until the
 * engine refuses, ends the session, `keepGoing` says stop, or the step bound is hit. A run that hits
 * the bound names the loop: the shortest repeating tail of its deliveries.
 */
export function continuePass(
  session: CourseSession,
  first: string,
  bound: number,
  keepGoing: (id: string) => boolean = () => true,
): ContinuePass {
  const deliveries = [first];
  const reached = new Set([first]);
  for (let step = 0; step < bound; step++) {
    const outcome = session.learn('continue');
    if (outcome.kind !== 'delivered' || !keepGoing(outcome.id))
      return { reached: [...reached], deliveries, stop: outcome };
    deliveries.push(outcome.id);
    reached.add(outcome.id);
  }
  return { reached: [...reached], deliveries, stop: { kind: 'bound', loop: repeatingTail(deliveries) } };
}

function repeatingTail(items: string[]): string[] {
  for (let size = 1; size <= items.length / 2; size++) {
    const tail = items.slice(-size);
    const before = items.slice(-2 * size, -size);
    if (tail.every((item, i) => item === before[i])) return tail;
  }
  return items.slice(-10);
}

export interface ModuleReport {
  id: string;
  /** `{target=module}choice` from the menu was accepted and delivered a leaf of the module, per SB.2.9. */
  choosable: boolean;
  delivered: string | null;
  problem: string | null;
  /** From the delivered SCO, a choice of the menu was accepted. */
  backToMenu: boolean;
  /** When the choice of the menu was replaced by the package's own post-condition rule: the proof. */
  trap: Trap | null;
}

export interface CourseWalkReport {
  start: Outcome;
  modules: ModuleReport[];
  /** Leaves of the course, the menu left out. */
  scoCount: number;
  continuePass: CourseContinuePass;
  /** Leaves reached by the continue pass, the menu left out. */
  reachedByContinue: number;
  root: { completion: string; success: string };
}

export interface CourseShape {
  menuId: string | null;
  moduleIds: string[];
}

/** Where a module's own rules stopped `continue`, and the learner went on from the menu. */
export interface ModuleStop {
  module: string;
  at: string;
  outcome: Outcome | { kind: 'bound'; loop: string[] };
  /** Going on from the menu after the stop, where the package's own post-condition rule kept the learner in. */
  trap?: Trap;
}

/** The pass could not go on: a module kept the learner in, or a choice went elsewhere (named, not looped). */
export interface Stuck {
  kind: 'stuck';
  module: string;
  reason: string;
}

export interface CourseContinuePass {
  /** Distinct leaves delivered, in first-delivery order. */
  reached: string[];
  deliveries: string[];
  /** Refusals and loops inside modules; a correct merge has them only where the package has them standalone. */
  moduleStops: ModuleStop[];
  /** How the pass ended: a correct course ends its session after the last SCO. */
  stop: Outcome | Stuck | { kind: 'bound'; loop: string[] };
}

/**
 * Start, every module from the menu and back, a continue pass through the course, the root's rollup.
 * `packages` holds each module's own SCORM 2004 manifest (null where there is none to compare with):
 * a module that keeps the learner in is proven against it (see `proveTrap`).
 */
export function walkCourse(
  manifestXml: string,
  shape: CourseShape,
  packages: Array<string | null> = [],
): CourseWalkReport {
  const tree = sequencingSettingsFromManifest(manifestXml).activityTree;
  const index = new TreeIndex(tree);
  const course: Course = { tree, index, shape, packages };
  const modules = shape.moduleIds.map((_, k) => walkIntoModule(course, k));
  const session = new CourseSession(tree);
  const start = session.start();
  const pass = courseContinuePass(session, course, start);
  const scos = index.leaves.filter((leaf) => leaf !== shape.menuId);
  return {
    start,
    modules,
    scoCount: scos.length,
    continuePass: pass,
    reachedByContinue: pass.reached.filter((id) => id !== shape.menuId).length,
    root: session.status(tree.id),
  };
}

/** A merged course as the walk sees it. */
interface Course {
  tree: ActivitySettings;
  index: TreeIndex;
  shape: CourseShape;
  packages: Array<string | null>;
}

/**
 * The learner completes and passes every delivered SCO and asks for `continue`. Where a module
 * refuses or loops (its own rules may), the stop is recorded and the learner takes the next module
 * from the menu, as a learner would; each module's loop is bounded by its size, and the whole pass
 * by the sum of those bounds. Where the menu cannot be reached after a stop, the trap is proven to be
 * the package's own (`proveTrap`) and the learner leaves by `abandon`; anything else ends the pass as
 * `stuck`, named.
 */
function courseContinuePass(session: CourseSession, course: Course, start: Outcome): CourseContinuePass {
  const { index, shape } = course;
  const moduleLeaves = shape.moduleIds.map((id) => index.leavesUnder(id));
  const moduleOf = (leaf: string) => moduleLeaves.findIndex((leaves) => leaves.includes(leaf));
  const limitOf = (module: number) => (module === -1 ? 2 : moduleLeaves[module].length * 3 + 10);
  const bound = moduleLeaves.reduce((sum, _, k) => sum + limitOf(k) + 1, limitOf(-1));
  const reached = new Set<string>();
  const deliveries: string[] = [];
  const moduleStops: ModuleStop[] = [];
  let outcome: Outcome | Stuck = start;
  let current = -1;
  let inModule: string[] = [];
  /** The learner's steps since entering the current module, to replay a trap from. */
  let trail: Step[] = [];
  const result = (stop: CourseContinuePass['stop']): CourseContinuePass => ({
    reached: [...reached],
    deliveries,
    moduleStops,
    stop,
  });
  const next = (from: number): Outcome | Stuck => {
    if (from + 1 >= shape.moduleIds.length) return { kind: 'ended', reason: 'no module left after a stop' };
    const left = shape.moduleIds[from];
    if (shape.menuId) {
      const menu = `{target=${shape.menuId}}choice`;
      const back = session.learn(menu);
      if (back.kind !== 'delivered' || back.id !== shape.menuId) {
        const trap = proveTrap(course, from, trail, { request: menu, result: DONE }, back, session.overrides);
        const stop = moduleStops[moduleStops.length - 1];
        if (stop) stop.trap = trap;
        if (trap.unproven !== null)
          return { kind: 'stuck', module: left, reason: `${menu}: ${describe(back)}; ${trap.unproven}` };
        // TB.2.3: abandon ends the SCO's attempt without post-condition rules; the menu is then free.
        session.learn('abandon');
        const again = session.learn(menu);
        if (again.kind !== 'delivered' || again.id !== shape.menuId)
          return { kind: 'stuck', module: left, reason: `${menu} after abandon: ${describe(again)}` };
      }
    }
    current = from + 1;
    inModule = [];
    trail = [];
    const chosen = session.learn(`{target=${shape.moduleIds[from + 1]}}choice`);
    if (chosen.kind === 'delivered' && moduleOf(chosen.id) !== from + 1)
      return {
        kind: 'stuck',
        module: left,
        reason: `{target=${shape.moduleIds[from + 1]}}choice: ${describe(chosen)}, outside that module`,
      };
    return chosen;
  };
  for (;;) {
    if (outcome.kind === 'stuck') return result(outcome);
    if (deliveries.length > bound) return result({ kind: 'bound', loop: repeatingTail(deliveries) });
    if (outcome.kind === 'delivered') {
      const module = moduleOf(outcome.id);
      if (module !== current) {
        inModule = [];
        trail = [];
      }
      current = module;
      deliveries.push(outcome.id);
      reached.add(outcome.id);
      inModule.push(outcome.id);
      if (inModule.length > limitOf(module)) {
        moduleStops.push({
          module: shape.moduleIds[module] ?? 'outside every module',
          at: outcome.id,
          outcome: { kind: 'bound', loop: repeatingTail(inModule) },
        });
        if (module === -1) return result(outcome);
        outcome = next(module);
        continue;
      }
      outcome = session.learn('continue');
      trail.push({ request: 'continue', result: DONE });
    } else if (outcome.kind === 'refused' && current >= 0 && current + 1 < shape.moduleIds.length) {
      moduleStops.push({ module: shape.moduleIds[current], at: deliveries[deliveries.length - 1], outcome });
      outcome = next(current);
    } else {
      return result(outcome);
    }
  }
}

function walkIntoModule(course: Course, k: number): ModuleReport {
  const { tree, index, shape } = course;
  const { menuId } = shape;
  const moduleId = shape.moduleIds[k];
  const report: ModuleReport = {
    id: moduleId,
    choosable: false,
    delivered: null,
    problem: null,
    backToMenu: false,
    trap: null,
  };
  const session = new CourseSession(tree);
  const start = session.start();
  if (start.kind !== 'delivered') return { ...report, problem: `start: ${describe(start)}` };
  const chosen = menuId ? session.learn(`{target=${moduleId}}choice`) : start;
  if (chosen.kind !== 'delivered') return { ...report, problem: `choice: ${describe(chosen)}` };
  report.delivered = chosen.id;
  const violation = index.choiceFlowViolation(moduleId, chosen.id);
  if (violation) return { ...report, problem: `SB.2.9: ${violation}` };
  report.choosable = true;
  if (menuId) {
    const leave: Step = { request: `{target=${menuId}}choice`, result: { completed: false, passed: false } };
    const back = session.learn(leave.request, leave.result);
    report.backToMenu = back.kind === 'delivered' && back.id === menuId;
    if (!report.backToMenu) {
      report.trap = proveTrap(course, k, [], leave, back, session.overrides);
      if (report.trap.unproven !== null)
        report.problem = `back to the menu: ${describe(back)}; ${report.trap.unproven}`;
    }
  }
  return report;
}

/** One learner step: a navigation request, after reporting a result. */
interface Step {
  request: string;
  result: LearnerResult;
}

/**
 * A request to leave a module that the package's own post-condition rule replaced. The SN book's
 * Termination Request Process (TB.2.3) ends the SCO's attempt on any request that leaves it (NB.2.1:
 * a choice, continue, previous or exit all terminate with Exit), runs the exit action rules (TB.2.1)
 * and then the post-condition rules (TB.2.2); a `retry`, `continue` or `previous` they return replaces
 * the pending request (OP.1 1.3.3). No manifest rule can tell a choice of the menu from the package's
 * own `continue`, so the merge cannot lift the trap without changing the package's behaviour; the
 * walk proves instead that the trap is the package's, standalone as well, and names it.
 */
export interface Trap {
  /** The learner's request that was replaced. */
  request: string;
  /** The activity whose post-condition rule replaced it, and that rule as the package writes it. */
  activity: string;
  rule: string;
  /** What the engine delivered instead. */
  outcome: Outcome;
  /**
   * Null when proven: the rule is the package's own (same rule, same place in its standalone tree);
   * without it the same steps honour the request; standalone, from the same state, neither
   * continue, previous, exit nor a choice of any activity outside it leaves the activity.
   */
  unproven: string | null;
  /** Standalone, from the same state: each way out tried, and what it did. */
  standalone: Array<{ request: string; outcome: string }>;
  /** In the course, `abandon` then the same request (TB.2.3 runs no post-condition rule on abandon). */
  afterAbandon: Outcome | null;
}

const RULE_REQUESTS = new Set(['retry', 'continue', 'previous']);

function ruleText(rule: SequencingRuleSettings): string {
  const conditions = rule.conditions.map(
    (c) =>
      `${c.operator === 'not' ? 'not ' : ''}${c.condition}${c.referencedObjective ? `(${c.referencedObjective})` : ''}`,
  );
  return `${conditions.join(rule.conditionCombination === 'any' ? ' or ' : ' and ')} → ${rule.action}`;
}

function findActivity(root: ActivitySettings, path: number[]): ActivitySettings | undefined {
  let at: ActivitySettings | undefined = root;
  for (const position of path) at = at?.children?.[position];
  return at;
}

/** Replays `steps` (the first is `start`) in a new session; the session and every outcome. */
function replay(tree: ActivitySettings, steps: Step[]): { session: CourseSession; outcomes: Outcome[] } {
  const session = new CourseSession(tree);
  const outcomes = steps.map((step) =>
    step.request === 'start' ? session.start() : session.learn(step.request, step.result),
  );
  return { session, outcomes };
}

/**
 * Proves that `leave`, asked from module `k` after `trail` (its steps since entering), was replaced
 * by the package's own post-condition rule and that the package traps its learner there standalone.
 * `outcome` and `overrides` are what the course session saw.
 */
function proveTrap(
  course: Course,
  k: number,
  trail: Step[],
  leave: Step,
  outcome: Outcome,
  overrides: CourseSession['overrides'],
): Trap {
  const { tree, index, shape } = course;
  const moduleId = shape.moduleIds[k];
  const trap: Trap = {
    request: leave.request,
    activity: '',
    rule: '',
    outcome,
    unproven: null,
    standalone: [],
    afterAbandon: null,
  };
  const fail = (why: string): Trap => ({ ...trap, unproven: why });
  const manifest = course.packages[k] ?? null;
  if (!manifest) return fail('no standalone package to compare with');
  const own = sequencingSettingsFromManifest(manifest).activityTree;
  const ownIndex = new TreeIndex(own);
  const inModule = (o: Outcome) => o.kind === 'delivered' && index.isWithin(o.id, moduleId);
  if (!inModule(outcome)) return fail(`it ${describe(outcome)}, outside ${moduleId}`);

  // Each rule that replaced the request must be the package's own: the same post-condition rule at
  // the same place in its standalone tree.
  const fired: Array<{ activity: string; request: string }> = [];
  const checkOwn = (override: { activity: string; request: string } | undefined): string | null => {
    if (!override || !RULE_REQUESTS.has(override.request)) return 'no post-condition rule replaced it';
    if (!index.isWithin(override.activity, moduleId))
      return `${override.activity}'s post-condition rule replaced it, outside ${moduleId}`;
    const rules = (index.byId.get(override.activity)?.sequencingRules.postConditionRules ?? []).filter(
      (rule) => rule.action === override.request,
    );
    if (rules.length === 0) return `${override.activity} has no post-condition rule "${override.request}"`;
    const ownRules = (
      findActivity(own, index.pathFrom(moduleId, override.activity))?.sequencingRules.postConditionRules ?? []
    ).filter((rule) => rule.action === override.request);
    if (JSON.stringify(ownRules) !== JSON.stringify(rules))
      return `the package has no rule "${rules.map(ruleText).join('; ')}" there: a merge rewrite`;
    fired.push(override);
    trap.rule = [
      trap.rule,
      ...rules.map((rule) => (fired.length > 1 ? `${override.activity}: ` : '') + ruleText(rule)),
    ]
      .filter(Boolean)
      .join('; ');
    return null;
  };
  const first = overrides[overrides.length - 1];
  trap.activity = first?.activity ?? '';
  const why = checkOwn(first);
  if (why) return fail(why);

  // In the course, the same steps from the menu trap the same way; without the rule (and any other
  // post-condition rule that then takes over) the request is honoured.
  const entry: Step[] =
    shape.menuId || k > 0
      ? [
          { request: 'start', result: DONE },
          { request: `{target=${moduleId}}choice`, result: DONE },
        ]
      : [{ request: 'start', result: DONE }];
  const steps = [...entry, ...trail, leave];
  const again = replay(tree, steps);
  const last = again.outcomes[again.outcomes.length - 1];
  if (JSON.stringify(last) !== JSON.stringify(outcome))
    return fail(`replayed from the menu, ${leave.request} ${describe(last)}, not ${describe(outcome)}`);
  again.session.learn('abandon', leave.result);
  trap.afterAbandon = again.session.learn(leave.request, leave.result);
  const target = /^\{target=([^}]+)\}choice$/.exec(leave.request)?.[1];
  for (;;) {
    const without = structuredClone(tree);
    for (const rule of fired) {
      const bare = findActivity(without, index.pathFrom(tree.id, rule.activity)) as ActivitySettings;
      bare.sequencingRules.postConditionRules = bare.sequencingRules.postConditionRules.filter(
        (r) => r.action !== rule.request,
      );
    }
    const tried = replay(without, steps);
    const honoured = tried.outcomes[steps.length - 1];
    if (honoured.kind === 'delivered' && (target ? index.isWithin(honoured.id, target) : !inModule(honoured)))
      break;
    if (!inModule(honoured)) return fail(`without the rule, ${leave.request} ${describe(honoured)}`);
    const next = tried.session.overrides[tried.session.overrides.length - 1];
    if (fired.some((rule) => rule.activity === next?.activity && rule.request === next?.request))
      return fail(`without the rule, ${leave.request} still ${describe(honoured)}`);
    const other = checkOwn(next);
    if (other) return fail(`without the rule, ${leave.request} ${describe(honoured)}: ${other}`);
  }

  // Standalone, the same steps deliver the same SCOs, and from there no way out ends the package's
  // session or exits its root (leaving a module is that); its rule replaces requests there too.
  const moduleLeaves = index.leavesUnder(moduleId);
  const deliveredInCourse = again.outcomes.slice(entry.length - 1, -1);
  const ownSteps: Step[] = [{ request: 'start', result: DONE }, ...trail];
  const position = (o: Outcome, leaves: string[]) => (o.kind === 'delivered' ? leaves.indexOf(o.id) : o.kind);
  const ownReplay = replay(own, ownSteps).outcomes;
  const same = ownReplay.every(
    (o, i) => position(o, ownIndex.leaves) === position(deliveredInCourse[i] as Outcome, moduleLeaves),
  );
  if (!same)
    return fail(
      `standalone, the same steps deliver ${ownReplay.map((o) => describe(o)).join(', ')}, not as in the module`,
    );
  const ownFirst = findActivity(own, index.pathFrom(moduleId, trap.activity)) as ActivitySettings;
  const exits = [
    'continue',
    'previous',
    'exit',
    ...[...ownIndex.byId.keys()]
      .filter(
        (id) => id !== own.id && !ownIndex.isWithin(id, ownFirst.id) && !ownIndex.isWithin(ownFirst.id, id),
      )
      .map((id) => `{target=${id}}choice`),
  ];
  let sameRule = false;
  for (const request of exits) {
    const tried = replay(own, [...ownSteps, { request, result: leave.result }]);
    const o = tried.outcomes[tried.outcomes.length - 1];
    trap.standalone.push({ request, outcome: describe(o) });
    if (o.kind === 'ended' || (o.kind === 'refused' && tried.session.current === own.id))
      return fail(`standalone, ${request} leaves the package: ${describe(o)}`);
    sameRule ||= tried.session.overrides.some(
      (seen) => seen.activity === ownFirst.id && seen.request === first?.request,
    );
  }
  if (!sameRule) return fail(`standalone, ${ownFirst.id}'s rule never replaces a request`);
  return trap;
}

/** A proven trap, named as a loop is. */
export function describeTrap(trap: Trap): string {
  const verdict = trap.unproven === null ? 'its own rule, standalone too' : `not proven: ${trap.unproven}`;
  return (
    `trapped in ${trap.activity} by its post-condition "${trap.rule}": ${trap.request} ${describe(trap.outcome)}` +
    ` (${verdict}; after abandon, ${trap.afterAbandon ? describe(trap.afterAbandon) : 'not tried'})`
  );
}

export function describe(outcome: Outcome | Stuck | { kind: 'bound'; loop: string[] }): string {
  switch (outcome.kind) {
    case 'delivered':
      return `delivered ${outcome.id}`;
    case 'ended':
      return `session ended: ${outcome.reason}`;
    case 'refused':
      return `refused${outcome.error ? `: ${outcome.error}` : ''}`;
    case 'bound':
      return `step bound hit, looping over ${outcome.loop.join(' → ')}`;
    case 'stuck':
      return `stuck in ${outcome.module}: ${outcome.reason}`;
  }
}

/** How a package, or its module in a merged course, behaves when a learner completes each SCO and continues. */
export interface PackageBehaviour {
  /** Leaf positions (0-based, in the package's own order) in delivery order. */
  deliveries: number[];
  /**
   * 'finished': the package's own sequence ended (standalone: session end; merged: the module was left);
   * 'endedCourse': inside a merged course, the module ended the whole course.
   */
  stop: 'finished' | 'refused' | 'bound' | 'endedCourse';
  completion: string;
  success: string;
}

/**
 * True when some cluster of the package does not let `continue` flow: its learners navigate by choice
 * from the LMS's outline. A merge turns flow on there, so its deliveries differ from standalone by design.
 */
export function reliesOnChoice(manifestXml: string): boolean {
  const index = new TreeIndex(sequencingSettingsFromManifest(manifestXml).activityTree);
  return [...index.byId.values()].some(
    (activity) => activity.children?.length && !activity.sequencingControls.flow,
  );
}

/** The package on its own: start, then continue while it delivers. */
export function standaloneBehaviour(manifestXml: string): PackageBehaviour {
  const tree = sequencingSettingsFromManifest(manifestXml).activityTree;
  const leaves = launchableLeaves(manifestXml).map((leaf) => leaf.id);
  const session = new CourseSession(tree);
  const start = session.start();
  const bound = leaves.length * 3 + 20;
  const pass =
    start.kind === 'delivered'
      ? continuePass(session, start.id, bound)
      : { deliveries: [], stop: start, reached: [] };
  const status = session.status(tree.id);
  // A refusal once the package's exit rules have exited its own root: its sequence is over, which
  // inside a merged course is leaving the module.
  const exitedRoot = pass.stop.kind === 'refused' && session.current === tree.id;
  return {
    deliveries: pass.deliveries.map((id) => leaves.indexOf(id)),
    stop:
      pass.stop.kind === 'bound'
        ? 'bound'
        : pass.stop.kind === 'refused' && !exitedRoot
          ? 'refused'
          : 'finished',
    completion: status.completion,
    success: status.success,
  };
}

/** The same learner inside a merged course's module: in from the menu (or start), then continue while inside it. */
export function moduleBehaviour(manifestXml: string, shape: CourseShape, moduleId: string): PackageBehaviour {
  const tree = sequencingSettingsFromManifest(manifestXml).activityTree;
  const index = new TreeIndex(tree);
  const leaves = index.leavesUnder(moduleId);
  const session = new CourseSession(tree);
  const start = session.start();
  const entered =
    start.kind === 'delivered' && shape.menuId ? session.learn(`{target=${moduleId}}choice`) : start;
  const bound = leaves.length * 3 + 20;
  const inside = (id: string) => leaves.includes(id);
  const pass =
    entered.kind === 'delivered' && inside(entered.id)
      ? continuePass(session, entered.id, bound, inside)
      : { deliveries: [], stop: entered, reached: [] };
  const status = session.status(moduleId);
  // The course's own end, after its last module, is that module finishing too.
  const courseEnd =
    pass.stop.kind === 'ended' &&
    shape.moduleIds[shape.moduleIds.length - 1] === moduleId &&
    /SB\.2\.7-2/.test(pass.stop.reason);
  let stop: PackageBehaviour['stop'];
  if (pass.stop.kind === 'bound') stop = 'bound';
  else if (pass.stop.kind === 'delivered' || courseEnd) stop = 'finished';
  else if (pass.stop.kind === 'ended') stop = 'endedCourse';
  else stop = 'refused';
  return {
    deliveries: pass.deliveries.map((id) => leaves.indexOf(id)),
    stop,
    completion: status.completion,
    success: status.success,
  };
}
