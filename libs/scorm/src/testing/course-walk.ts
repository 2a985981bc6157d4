// Walks a SCORM 2004 course under scorm-again's sequencing engine, as an LMS and a learner would.
// The engine runs in a plain vm context: no DOM, no browser. Its known deviations from the SN book
// are kept out of the verdicts: every default is explicit in the tree (activity-tree.ts), and a
// choice into a cluster is checked against SB.2.9 here (the engine skips the Flow Subprocess).
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { launchableLeaves, sequencingSettingsFromManifest } from '../lib/sequencing/activity-tree';
import type { ActivitySettings } from '../lib/sequencing/sequencing-settings';

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
  const context = createContext({ console, setTimeout, clearTimeout, setInterval, clearInterval });
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
}

export interface CourseContinuePass {
  /** Distinct leaves delivered, in first-delivery order. */
  reached: string[];
  deliveries: string[];
  /** Refusals and loops inside modules; a correct merge has them only where the package has them standalone. */
  moduleStops: ModuleStop[];
  /** How the pass ended: a correct course ends its session after the last SCO. */
  stop: Outcome;
}

/** Start, every module from the menu and back, a continue pass through the course, the root's rollup. */
export function walkCourse(manifestXml: string, shape: CourseShape): CourseWalkReport {
  const tree = sequencingSettingsFromManifest(manifestXml).activityTree;
  const index = new TreeIndex(tree);
  const modules = shape.moduleIds.map((id) => walkIntoModule(tree, index, shape.menuId, id));
  const session = new CourseSession(tree);
  const start = session.start();
  const pass = courseContinuePass(session, index, shape, start);
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

/**
 * The learner completes and passes every delivered SCO and asks for `continue`. Where a module
 * refuses or loops (its own rules may), the stop is recorded and the learner takes the next module
 * from the menu, as a learner would; each module's loop is bounded by its size.
 */
function courseContinuePass(
  session: CourseSession,
  index: TreeIndex,
  shape: CourseShape,
  start: Outcome,
): CourseContinuePass {
  const moduleLeaves = shape.moduleIds.map((id) => index.leavesUnder(id));
  const moduleOf = (leaf: string) => moduleLeaves.findIndex((leaves) => leaves.includes(leaf));
  const reached = new Set<string>();
  const deliveries: string[] = [];
  const moduleStops: ModuleStop[] = [];
  let outcome = start;
  let current = -1;
  let inModule: string[] = [];
  const next = (from: number): Outcome => {
    if (from + 1 >= shape.moduleIds.length) return { kind: 'ended', reason: 'no module left after a stop' };
    current = from + 1;
    inModule = [];
    if (shape.menuId) session.learn(`{target=${shape.menuId}}choice`);
    return session.learn(`{target=${shape.moduleIds[from + 1]}}choice`);
  };
  for (;;) {
    if (outcome.kind === 'delivered') {
      const module = moduleOf(outcome.id);
      if (module !== current) inModule = [];
      current = module;
      deliveries.push(outcome.id);
      reached.add(outcome.id);
      inModule.push(outcome.id);
      const limit = module === -1 ? 2 : moduleLeaves[module].length * 3 + 10;
      if (inModule.length > limit) {
        moduleStops.push({
          module: shape.moduleIds[module] ?? 'outside every module',
          at: outcome.id,
          outcome: { kind: 'bound', loop: repeatingTail(inModule) },
        });
        if (module === -1) return { reached: [...reached], deliveries, moduleStops, stop: outcome };
        outcome = next(module);
        continue;
      }
      outcome = session.learn('continue');
    } else if (outcome.kind === 'refused' && current >= 0 && current + 1 < shape.moduleIds.length) {
      moduleStops.push({ module: shape.moduleIds[current], at: deliveries[deliveries.length - 1], outcome });
      outcome = next(current);
    } else {
      return { reached: [...reached], deliveries, moduleStops, stop: outcome };
    }
  }
}

function walkIntoModule(
  tree: ActivitySettings,
  index: TreeIndex,
  menuId: string | null,
  moduleId: string,
): ModuleReport {
  const report: ModuleReport = {
    id: moduleId,
    choosable: false,
    delivered: null,
    problem: null,
    backToMenu: false,
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
    const back = session.learn(`{target=${menuId}}choice`, { completed: false, passed: false });
    report.backToMenu = back.kind === 'delivered' && back.id === menuId;
    if (!report.backToMenu) report.problem = `back to the menu: ${describe(back)}`;
  }
  return report;
}

export function describe(outcome: Outcome | { kind: 'bound'; loop: string[] }): string {
  switch (outcome.kind) {
    case 'delivered':
      return `delivered ${outcome.id}`;
    case 'ended':
      return `session ended: ${outcome.reason}`;
    case 'refused':
      return `refused${outcome.error ? `: ${outcome.error}` : ''}`;
    case 'bound':
      return `step bound hit, looping over ${outcome.loop.join(' → ')}`;
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
  return {
    deliveries: pass.deliveries.map((id) => leaves.indexOf(id)),
    stop: pass.stop.kind === 'bound' ? 'bound' : pass.stop.kind === 'refused' ? 'refused' : 'finished',
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
