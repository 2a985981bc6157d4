import { signal } from '@angular/core';
import { CrossFrameLMS, Scorm12API, Scorm2004API } from 'scorm-again';
import type { ApiCall } from './api-call-log';
import { neighbourItem, statusFrom12, statusFrom2004, UNTRACKED, type ItemTracking } from './course-outline';
import type { PreviewTrackingStore, StoredAttempt } from './preview-tracking-store';
import type { CoursePreview, PreviewItem } from './preview.operations';
import { explainRefusedChoice, explainSequencingException, findActivity } from './sequencing-exceptions';

type ScormApi = Scorm12API | Scorm2004API;
type Activity = { id: string };
type CmiJson = Record<string, unknown>;

/** The SCORM methods a SCO may call through the frame bridge (the ones CrossFrameLMS allows). */
const SCO_METHODS_12 = [
  'LMSInitialize',
  'LMSFinish',
  'LMSGetValue',
  'LMSSetValue',
  'LMSCommit',
  'LMSGetLastError',
  'LMSGetErrorString',
  'LMSGetDiagnostic',
] as const;
const SCO_METHODS_2004 = [
  'Initialize',
  'Terminate',
  'GetValue',
  'SetValue',
  'Commit',
  'GetLastError',
  'GetErrorString',
  'GetDiagnostic',
] as const;
/** Calls after which the SCO's tracking may have changed. */
const TRACKING_METHODS = new Set([
  'LMSSetValue',
  'LMSCommit',
  'LMSFinish',
  'SetValue',
  'Commit',
  'Terminate',
]);
const LOG_LIMIT = 5000;
/** scorm-again's LogLevelEnum.NONE: the player shows calls in its own log, never on the console. */
const LOG_LEVEL_NONE = 5;

export type NavigationRequest = 'continue' | 'previous' | 'exit';

/** A navigation request in scorm-again's words ('continue', 'previous', 'choice', 'exitAll'). */
interface PendingRequest {
  nav: string;
  target?: string;
  /** How a refusal starts, e.g. "Lesson 3 is not available yet". */
  refused: string;
}

/** How long a SCO may take to report and terminate while it unloads. */
const UNLOAD_GRACE_MS = 1500;

/**
 * The SCORM run-time of one preview: scorm-again's API (1.2, or 2004 with its sequencing engine) in this
 * page, answering the sandboxed frame's bridge over postMessage, logging every call, and keeping the
 * tracking data in the tab. The page shows `current` in the frame and calls `attachFrame` when it is there.
 */
export class PreviewPlayer {
  /** The item shown in the frame, and a key that changes on every delivery (a relaunch gets a new frame). */
  readonly current = signal<{ item: PreviewItem; key: number } | null>(null);
  readonly tracking = signal<Readonly<Record<string, ItemTracking>>>({});
  readonly calls = signal<readonly ApiCall[]>([]);
  /** Why the last navigation was refused, or what happened; read out politely. */
  readonly message = signal<string | null>(null);
  readonly ended = signal(false);

  private api!: ScormApi;
  private lms: CrossFrameLMS | null = null;
  private frame: HTMLIFrameElement | null = null;
  private deliveries = 0;
  private seq = 0;
  /** Per-SCO data kept for the next launch (1.2 always, 2004 only a suspended attempt). */
  private cmiByItem: Record<string, CmiJson> = {};
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSequencingError: string | null = null;
  /** A request waiting for the open SCO to terminate while it unloads. */
  private pending: (PendingRequest & { deliveries: number }) | null = null;
  private unloadTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly items: ReadonlyMap<string, PreviewItem>;
  private readonly gate = (event: MessageEvent) => this.filterMessage(event);

  constructor(
    private readonly course: CoursePreview,
    private readonly store: PreviewTrackingStore,
  ) {
    this.items = new Map(course.items.map((item) => [item.id, item]));
  }

  get is2004(): boolean {
    return this.course.family === '2004';
  }

  /** Builds the run-time, restores the tab's tracking data, and delivers the first (or last open) SCO. */
  start(): void {
    // Registered before CrossFrameLMS's own listener so that it can stop what is not from our frame.
    window.addEventListener('message', this.gate);
    const saved = this.store.load();
    this.createApi();
    if (saved) this.restore(saved);
    this.openBridge();
    if (this.is2004) this.start2004(saved);
    else this.deliver(this.itemOrNull(saved?.currentItemId) ?? neighbourItem(this.course.items, null, 1));
  }

  /** The page's frame for the current item (null while none): only its messages reach the API. */
  attachFrame(frame: HTMLIFrameElement | null): void {
    this.frame = frame;
  }

  /** Previous, Continue or Exit from the player's buttons. */
  navigate(request: NavigationRequest): void {
    const what = request === 'continue' ? 'Continue' : request === 'previous' ? 'Previous' : 'Exit';
    if (this.is2004) {
      this.leaveFor({ nav: request === 'exit' ? 'exitAll' : request, refused: `${what} is not available` });
      return;
    }
    if (request === 'exit') {
      this.leaveFor({ nav: 'exitAll', refused: '' });
      return;
    }
    const next = neighbourItem(
      this.course.items,
      this.current()?.item.id ?? null,
      request === 'continue' ? 1 : -1,
    );
    if (!next) {
      this.message.set(request === 'continue' ? 'This is the last lesson.' : 'This is the first lesson.');
      return;
    }
    this.leaveFor({ nav: 'choice', target: next.id, refused: '' });
  }

  /** A choice from the outline. */
  choose(itemId: string): void {
    const item = this.items.get(itemId);
    if (!item) return;
    if (!this.is2004 && !item.launchUrl) {
      this.message.set(`${item.title} has no content of its own: choose one of its lessons.`);
      return;
    }
    this.leaveFor({ nav: 'choice', target: itemId, refused: `${item.title} is not available yet` });
  }

  /**
   * Leaves the open SCO as an LMS does: the request is checked first (a refusal leaves the SCO running),
   * then the SCO is unloaded so that its own unload handler still reports and terminates; the request is
   * processed at that Terminate (or the player terminates for a SCO that does not within the grace time).
   */
  private leaveFor(request: PendingRequest): void {
    this.message.set(null);
    if (this.ended()) {
      this.message.set('The course has ended. Reset the attempt to start again.');
      return;
    }
    if (this.pending) return;
    if (this.is2004) {
      const refusal = this.predictRefusal(request);
      if (refusal) {
        this.message.set(`${request.refused}: ${refusal}.`);
        return;
      }
    }
    if (!this.api.isInitialized()) {
      this.process(request);
      return;
    }
    this.pending = { ...request, deliveries: this.deliveries };
    if (this.is2004) {
      // Processed by scorm-again's Terminate, together with whatever the SCO reports while unloading.
      (this.api as Scorm2004API).adl.nav.request = request.target
        ? `{target=${request.target}}${request.nav}`
        : request.nav;
    }
    this.unloadTimer = setTimeout(() => this.terminateForSco(), UNLOAD_GRACE_MS);
    if (this.frame) this.frame.src = 'about:blank';
    else this.terminateForSco();
  }

  /** The SCO did not terminate while unloading: end its session for it. */
  private terminateForSco(): void {
    if (!this.pending || !this.api.isInitialized()) return;
    const method = this.is2004 ? 'Terminate' : 'LMSFinish';
    const api = this.api as unknown as Record<string, (parameter: string) => string>;
    this.record('player', method, '', '', String(api[method]('')));
    this.afterTerminate();
  }

  /** After the open SCO's session ended: carry out the pending request if Terminate did not. */
  private afterTerminate(): void {
    const pending = this.pending;
    if (!pending) return;
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
    this.pending = null;
    if (!this.is2004) {
      this.process(pending);
      return;
    }
    // A delivery from Terminate comes in a microtask; none means the engine refused after all.
    queueMicrotask(() => {
      if (this.deliveries !== pending.deliveries || this.ended()) return;
      this.message.set(`${pending.refused}: ${this.refusalReason()}.`);
      const open = this.current()?.item;
      if (open) this.deliver(open);
    });
  }

  /** Runs a request with no SCO session open. */
  private process(request: PendingRequest): void {
    if (this.is2004) {
      if (!this.request2004(request.nav, request.target)) {
        this.message.set(`${request.refused}: ${this.refusalReason()}.`);
      }
      return;
    }
    if (request.nav === 'exitAll') this.endCourse('You left the course.');
    else this.deliver(this.itemOrNull(request.target));
  }

  /** Why scorm-again would refuse the request now, or null when it looks allowed. */
  private predictRefusal(request: PendingRequest): string | null {
    const api = this.api as Scorm2004API;
    if (request.nav === 'continue' || request.nav === 'previous') {
      const preview = api.previewNavigationRequest(request.nav);
      return preview.outcome === 'blocked' ? explainSequencingException(preview.exception) : null;
    }
    if (request.nav === 'choice' && request.target && api.isInitialized()) {
      const process = api.getSequencingService()?.getOverallSequencingProcess();
      if (process && !process.predictChoiceEnabled(request.target)) {
        return explainRefusedChoice(
          findActivity(api as unknown as Parameters<typeof findActivity>[0], request.target),
        );
      }
    }
    return null;
  }

  /** Clears the tab's tracking data and starts the course again from a fresh run-time. */
  resetAttempt(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
    this.pending = null;
    this.tearDownApi();
    this.store.clear();
    this.cmiByItem = {};
    this.tracking.set({});
    this.calls.set([]);
    this.seq = 0;
    this.ended.set(false);
    this.current.set(null);
    this.createApi();
    this.openBridge();
    if (this.is2004) this.start2004(null);
    else this.deliver(neighbourItem(this.course.items, null, 1));
    this.message.set('The attempt was reset: all tracking data was cleared.');
  }

  destroy(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.flushSave();
    this.tearDownApi();
    window.removeEventListener('message', this.gate);
  }

  /** The status of an item: what its SCO reported, else what the sequencing engine rolled up. */
  trackingOf(itemId: string): ItemTracking {
    return this.tracking()[itemId] ?? UNTRACKED;
  }

  // --- run-time -------------------------------------------------------------------------------------

  private createApi(): void {
    if (this.is2004) {
      const sequencing = this.course.sequencing ? JSON.parse(this.course.sequencing) : undefined;
      this.api = new Scorm2004API({
        logLevel: LOG_LEVEL_NONE,
        autocommit: false,
        sequencing: sequencing
          ? {
              ...sequencing,
              eventListeners: {
                onActivityDelivery: (activity: Activity) => this.onDelivery(activity),
                onSequencingError: (error: string) => (this.lastSequencingError = error),
                onSequencingSessionEnd: () => this.endCourse('The course has ended.'),
                onRollupComplete: () => this.refreshTracking(),
              },
            }
          : undefined,
      });
    } else {
      this.api = new Scorm12API({ logLevel: LOG_LEVEL_NONE, autocommit: false });
    }
  }

  private tearDownApi(): void {
    this.lms?.destroy();
    this.lms = null;
    this.frame = null;
  }

  private start2004(saved: StoredAttempt | null): void {
    const api = this.api as Scorm2004API;
    if (saved?.sequencingState && api.deserializeSequencingState(saved.sequencingState)) {
      const resumeAt = this.itemOrNull(saved.currentItemId);
      if (resumeAt && this.request2004('choice', resumeAt.id)) return;
    }
    if (!this.request2004('start')) {
      this.message.set(`The course cannot start: ${this.refusalReason()}.`);
    }
    this.refreshTracking();
  }

  /** Sends a navigation request to scorm-again's sequencing engine; a delivery follows through `onDelivery`. */
  private request2004(request: string, target?: string): boolean {
    this.lastSequencingError = null;
    const api = this.api as Scorm2004API;
    const accepted = api.processNavigationRequest(request, target);
    this.refreshTracking();
    this.scheduleSave();
    return accepted;
  }

  private refusalReason(): string {
    const service = (this.api as Scorm2004API).getSequencingService?.();
    const exception =
      service?.getSequencingState().lastSequencingResult?.exception ?? this.lastSequencingError;
    return explainSequencingException(exception);
  }

  private onDelivery(activity: Activity): void {
    const item = this.items.get(activity.id);
    if (!item) return;
    // Called from inside the engine (even from the SCO's Terminate): let it finish before the API is reset.
    queueMicrotask(() => this.deliver(item));
  }

  /** Shows `item` in a new frame with a fresh data model (its kept data restored). */
  private deliver(item: PreviewItem | null): void {
    if (!item) {
      this.current.set(null);
      return;
    }
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
    this.pending = null;
    this.keepOpenData();
    // The old frame's late calls (its unload handler) must not reach the new SCO's session.
    this.frame = null;
    if (!this.api.isNotInitialized()) this.api.reset(undefined, { preserveListeners: true });
    const kept = this.cmiByItem[item.id];
    if (kept) this.api.loadFromJSON(kept);
    this.current.set({ item, key: ++this.deliveries });
    this.ended.set(false);
    this.refreshTracking();
    this.scheduleSave();
  }

  private endCourse(message: string): void {
    this.keepOpenData();
    this.frame = null;
    this.current.set(null);
    this.ended.set(true);
    this.message.set(message);
    this.refreshTracking();
    this.scheduleSave();
  }

  /**
   * CrossFrameLMS answers the frame's bridge. Its origin is '*' because a sandboxed frame's origin is
   * opaque ("null", not a valid target); `filterMessage` lets through only our frame's messages, and
   * answers go back to that frame's window alone.
   */
  private openBridge(): void {
    // CrossFrameLMS only calls the SCORM methods by name, which the facade has.
    const facade = this.scoFacade() as unknown as ConstructorParameters<typeof CrossFrameLMS>[0];
    this.lms = new CrossFrameLMS(facade, '*', { rateLimit: 1000 });
  }

  /** The object CrossFrameLMS calls: every SCORM call goes through to scorm-again and into the log. */
  private scoFacade(): Record<string, (...args: string[]) => unknown> & { getFlattenedCMI(): unknown } {
    const api = this.api as unknown as Record<string, (...args: unknown[]) => string>;
    const facade: Record<string, (...args: string[]) => unknown> = {};
    for (const method of this.is2004 ? SCO_METHODS_2004 : SCO_METHODS_12) {
      facade[method] = (...args: string[]) => {
        const result = api[method].apply(this.api, args);
        const isElementCall = /GetValue|SetValue/.test(method);
        this.record(
          'sco',
          method,
          isElementCall ? String(args[0] ?? '') : '',
          isElementCall ? String(args[1] ?? '') : String(args[0] ?? ''),
          String(result),
        );
        if (TRACKING_METHODS.has(method)) this.updateOpenTracking();
        if (method === 'Terminate' || method === 'LMSFinish') this.afterTerminate();
        return result;
      };
    }
    // A SCO of the other family finds the bridge too; its calls are refused, and shown, rather than lost.
    for (const method of this.is2004 ? SCO_METHODS_12 : SCO_METHODS_2004) {
      facade[method] = (...args: string[]) => {
        const isElementCall = /GetValue|SetValue/.test(method);
        const result = /GetValue|GetErrorString|GetDiagnostic/.test(method)
          ? ''
          : method.endsWith('GetLastError')
            ? '101'
            : 'false';
        this.record(
          'sco',
          method,
          isElementCall ? String(args[0] ?? '') : '',
          isElementCall ? String(args[1] ?? '') : String(args[0] ?? ''),
          result,
          '101',
        );
        return result;
      };
    }
    // The bridge refreshes its cache with this after each call; it is not a SCORM call, so it is not logged.
    return Object.assign(facade, { getFlattenedCMI: () => this.api.getFlattenedCMI() });
  }

  /** Only messages from the current frame reach CrossFrameLMS. */
  private filterMessage(event: MessageEvent): void {
    const data = event.data as { messageId?: unknown } | null;
    if (typeof data !== 'object' || data === null || !('messageId' in data)) return;
    const fromFrame =
      this.isInsideFrame(event.source) &&
      (event.origin === 'null' || event.origin === this.course.contentOrigin);
    if (!fromFrame) event.stopImmediatePropagation();
  }

  /** The current frame's window or one nested in it (a SCO that a launch page frames, like the 1.2 adapter's). */
  private isInsideFrame(source: MessageEventSource | null): boolean {
    const frameWindow = this.frame?.contentWindow;
    if (!frameWindow || !source || !('parent' in source)) return false;
    // `parent` is readable across origins; the walk ends at the top window, whose parent is itself.
    for (let current: Window = source; ; current = current.parent) {
      if (current === frameWindow) return true;
      if (current === current.parent) return false;
    }
  }

  private record(
    caller: ApiCall['caller'],
    method: string,
    element: string,
    value: string,
    result: string,
    errorCode = String(this.api.lastErrorCode),
  ): void {
    const call: ApiCall = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      caller,
      itemId: this.current()?.item.id ?? null,
      method,
      element,
      value,
      result,
      errorCode,
    };
    const calls = this.calls();
    this.calls.set(calls.length >= LOG_LIMIT ? [...calls.slice(1 - LOG_LIMIT), call] : [...calls, call]);
    this.scheduleSave();
  }

  // --- tracking -------------------------------------------------------------------------------------

  /** The open SCO's status and score, from its live data model. */
  private updateOpenTracking(): void {
    const open = this.current()?.item;
    if (!open) return;
    this.tracking.update((all) => ({ ...all, [open.id]: this.openTracking() }));
    if (this.is2004) this.refreshTracking();
  }

  private openTracking(): ItemTracking {
    if (this.api instanceof Scorm12API) {
      const core = this.api.cmi.core;
      return { status: statusFrom12(core.lesson_status), score: core.score.raw || null };
    }
    const cmi = (this.api as Scorm2004API).cmi;
    const scaled = cmi.score.scaled;
    return {
      status: statusFrom2004(cmi.completion_status, cmi.success_status),
      score: cmi.score.raw || (scaled !== '' ? `${Math.round(Number(scaled) * 100)}%` : null),
    };
  }

  /** Clusters (and SCOs not opened in this tab) take what the sequencing engine rolled up. */
  private refreshTracking(): void {
    if (!this.is2004) return;
    const api = this.api as Scorm2004API;
    const next: Record<string, ItemTracking> = { ...this.tracking() };
    const openId = this.current()?.item.id;
    for (const item of this.course.items) {
      const data = api.getActivityTrackingData(item.id);
      if (!data) continue;
      const rolledUp: ItemTracking = {
        status: statusFrom2004(data.completionStatus, data.successStatus),
        score: data.score === null ? null : `${Math.round(data.score * 100)}%`,
      };
      const reported = next[item.id];
      // The open SCO's own report is live (the engine's copy lags until its attempt ends); otherwise the
      // engine knows more, e.g. a SCO that set no status is completed when its attempt ends.
      const isLive = item.id === openId && this.api.isInitialized();
      if (!reported) next[item.id] = rolledUp;
      else if (!isLive && rolledUp.status !== 'not attempted') {
        next[item.id] = { status: rolledUp.status, score: rolledUp.score ?? reported.score };
      }
    }
    this.tracking.set(next);
  }

  /** Keeps what the open SCO needs at its next launch: 1.2 everything, 2004 a suspended attempt only. */
  private keepOpenData(): void {
    const open = this.current()?.item;
    if (!open || this.api.isNotInitialized()) return;
    const cmi = this.api.renderCMIToJSONObject();
    const suspended = this.is2004 && (this.api as Scorm2004API).cmi.getExitValueInternal() === 'suspend';
    if (!this.is2004 || suspended) this.cmiByItem[open.id] = launchData(cmi);
    else delete this.cmiByItem[open.id];
  }

  // --- the tab's storage ----------------------------------------------------------------------------

  private restore(saved: StoredAttempt): void {
    this.cmiByItem = saved.cmiByItem;
    this.tracking.set(saved.tracking);
    this.calls.set(saved.calls);
    this.seq = saved.calls.at(-1)?.seq ?? 0;
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flushSave(), 250);
  }

  private flushSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.store.save({
      currentItemId: this.current()?.item.id ?? null,
      cmiByItem: this.cmiByItem,
      tracking: this.tracking(),
      calls: [...this.calls()],
      sequencingState: this.is2004 ? (this.api as Scorm2004API).serializeSequencingState() : null,
    });
  }

  private itemOrNull(id: string | null | undefined): PreviewItem | null {
    return (id && this.items.get(id)) || null;
  }
}

/** The part of a SCO's data model that carries over to its next launch (what the SCO may read back). */
function launchData(cmi: CmiJson): CmiJson {
  const kept: CmiJson = {};
  for (const key of ['suspend_data', 'location', 'completion_status', 'success_status', 'score', 'core']) {
    if (key in cmi) kept[key] = cmi[key];
  }
  const core = kept['core'] as Record<string, unknown> | undefined;
  if (core) {
    const { lesson_status, lesson_location, score } = core;
    kept['core'] = { lesson_status, lesson_location, score };
  }
  return kept;
}
