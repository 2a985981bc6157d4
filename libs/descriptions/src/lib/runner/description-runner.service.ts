import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { PackagesService, TaskStatus } from '@scorm-merge/packages';
import { DescriptionCacheStore } from '../cache/description-cache.store';
import { DESCRIPTIONS_OPTIONS, type DescriptionsOptions } from '../descriptions-options';
import {
  DESCRIPTION_EVENTS,
  type DescriptionDeltaPayload,
  type DescriptionProgressPayload,
  type DescriptionUpdatePayload,
  type ProgressTypeValue,
  type SessionEvent,
} from '../events/description-events';
import type { DescriptionTaskEntity, DescriptionTaskItemEntity } from '../persistence';
import { PROMPT_VERSION } from '../prompt/description-prompt';
import type { AiDescriptionProvider } from '../providers/ai-description-provider';
import { DescriptionTaskStore } from '../tasks/description-task.store';
import { progressPercent } from '../tasks/task-progress';
import { AI_DESCRIPTION_PROVIDER } from './ai-provider.token';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { DescriptionGenerator, type GeneratedDescription } from './description-generator';
import { TaskStoppedError } from './task-stopped';

/** Live counts of a running task; they only grow, so progress events are monotonic. */
export interface TaskCounts {
  total: number;
  completed: number;
  failed: number;
}

/** How long a task the database failed under waits before it is tried again. */
const RESUME_AFTER_DATABASE_ERROR_MS = 2000;

/**
 * Works through a task's open items with bounded concurrency: describe, commit, then emit.
 * Each task has an AbortController; once it aborts, nothing more is committed or emitted for it.
 */
@Injectable()
export class DescriptionRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger(DescriptionRunner.name);
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly generator: DescriptionGenerator;
  private stopping = false;
  /** Tasks waiting to be resumed after the database failed under them. */
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: DescriptionTaskStore,
    cache: DescriptionCacheStore,
    private readonly packages: PackagesService,
    private readonly events: EventEmitter2,
    @Inject(DESCRIPTIONS_OPTIONS) private readonly options: DescriptionsOptions,
    @Inject(AI_DESCRIPTION_PROVIDER) private readonly ai: AiDescriptionProvider | null,
  ) {
    this.generator = new DescriptionGenerator({
      ai,
      cache,
      // One limiter for the whole process: two sessions together never exceed the configured bound.
      limiter: new ConcurrencyLimiter(options.descriptions.concurrency),
      policy: options.descriptions,
      promptVersion: PROMPT_VERSION,
    });
  }

  isRunning(taskId: string): boolean {
    return this.running.has(taskId);
  }

  /**
   * Works on the task in the background; a task already being worked on is left alone. Resolves once the
   * task is marked RUNNING (or found cancelled), before any package is described.
   */
  start(task: DescriptionTaskEntity, resumed = false): Promise<void> {
    if (this.running.has(task.id) || this.stopping) return Promise.resolve();
    const controller = new AbortController();
    const counts: TaskCounts = { total: task.total, completed: task.completed, failed: task.failed };
    let markedRunning!: () => void;
    const started = new Promise<void>((resolve) => (markedRunning = resolve));
    const done = this.run(task, counts, controller.signal, resumed, markedRunning)
      .catch(async (error: unknown) => {
        const recorded = await this.failTask(task, counts, error, controller.signal);
        // The other workers of this task stop too: nothing more is committed or emitted after FAILED.
        controller.abort(new TaskStoppedError('failed'));
        if (!recorded) this.resumeLater(task);
      })
      .finally(() => {
        this.running.delete(task.id);
        markedRunning();
      });
    this.running.set(task.id, { controller, done });
    return started;
  }

  /** Aborts requests in flight and queued work; from here on nothing is committed or emitted for the task. */
  cancel(taskId: string): void {
    this.running.get(taskId)?.controller.abort(new TaskStoppedError('cancelled'));
  }

  /** Stops work without touching task status, so the next boot resumes it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    const all = [...this.running.values()];
    for (const { controller } of all) controller.abort(new TaskStoppedError('shutdown'));
    await Promise.allSettled(all.map(({ done }) => done));
  }

  private async run(
    task: DescriptionTaskEntity,
    counts: TaskCounts,
    signal: AbortSignal,
    resumed: boolean,
    markedRunning: () => void,
  ): Promise<void> {
    const items = await this.begin(task, counts, resumed, signal, markedRunning);
    if (!items) return;

    const queue = [...items];
    const workers = Array.from(
      { length: Math.min(this.options.descriptions.concurrency, queue.length) },
      async () => {
        for (let item = queue.shift(); item && !signal.aborted; item = queue.shift()) {
          await this.describeItem(task, item, counts, signal);
        }
      },
    );
    await Promise.all(workers);
    if (signal.aborted) return;

    const message = await this.summary(task.id, counts);
    if ((await this.store.finish(task.id, TaskStatus.COMPLETED, message)) && !signal.aborted) {
      this.emitProgress(task, counts, 'COMPLETED', { message });
    }
  }

  /**
   * QUEUED → RUNNING, then STARTED; answers the items left, or null when the task was cancelled meanwhile.
   * `counts` takes the task's committed counts.
   */
  async begin(
    task: DescriptionTaskEntity,
    counts: TaskCounts,
    resumed: boolean,
    signal?: AbortSignal,
    markedRunning?: () => void,
  ): Promise<DescriptionTaskItemEntity[] | null> {
    const running = await this.store.markRunning(task.id, resumed);
    markedRunning?.();
    if (!running) return null; // cancelled before it began, or claimed by another runner
    const items = await this.store.openItems(task.id);
    const fresh = await this.store.findTask(task.id);
    if (signal?.aborted || !fresh) return null;
    Object.assign(counts, { total: fresh.total, completed: fresh.completed, failed: fresh.failed });
    const how = this.ai ? `with ${this.ai.model}` : 'locally (no API key)';
    this.emitProgress(task, counts, 'STARTED', {
      message: resumed
        ? `Resumed after a restart: ${items.length} of ${counts.total} packages left, ${how}`
        : `Describing ${counts.total} packages ${how}`,
    });
    return items;
  }

  /**
   * Redis mode: one item of a running task, run as a job by whichever instance took it. An item already
   * DONE or FAILED is never asked for again; whoever ends the last item completes the task.
   */
  async runItem(taskId: string, packageId: string, signal: AbortSignal): Promise<void> {
    const task = await this.store.findTask(taskId);
    if (!task || task.status !== TaskStatus.RUNNING || signal.aborted) return;
    const item = (await this.store.openItems(taskId)).find((open) => open.packageId === packageId);
    if (item) {
      // Counts as committed now; other instances may commit meanwhile, so subscriptions keep the highest seen.
      const counts: TaskCounts = { total: task.total, completed: task.completed, failed: task.failed };
      await this.describeItem(task, item, counts, signal);
      if (signal.aborted) return;
    }
    await this.completeIfDone(task);
  }

  /** Completes a RUNNING task whose items have all ended (each instance checks after its own commit). */
  async completeIfDone(task: DescriptionTaskEntity): Promise<void> {
    if ((await this.store.openItems(task.id)).length > 0) return;
    const fresh = await this.store.findTask(task.id);
    if (!fresh || fresh.status !== TaskStatus.RUNNING) return;
    const counts: TaskCounts = { total: fresh.total, completed: fresh.completed, failed: fresh.failed };
    const message = await this.summary(task.id, counts);
    if (await this.store.finish(task.id, TaskStatus.COMPLETED, message)) {
      this.emitProgress(task, counts, 'COMPLETED', { message });
    }
  }

  private async describeItem(
    task: DescriptionTaskEntity,
    item: DescriptionTaskItemEntity,
    counts: TaskCounts,
    signal: AbortSignal,
  ): Promise<void> {
    const pkg = await this.packages.findById(item.packageId);
    if (signal.aborted) return;
    if (!pkg) {
      const counted = await this.store.failItem(
        task.id,
        item.packageId,
        'The package was removed before it was described',
      );
      if (!counted || signal.aborted) return;
      counts.failed++;
      this.emitProgress(task, counts, 'PROGRESS', {
        message: 'A removed package was skipped',
        packageId: item.packageId,
      });
      return;
    }
    await this.store.markItemRunning(task.id, pkg.id);

    let result: GeneratedDescription;
    try {
      result = await this.generator.generate(pkg, {
        signal,
        useCache: !task.regenerate,
        onText: (text, attempt) => {
          if (!signal.aborted) {
            this.emit<DescriptionDeltaPayload>(DESCRIPTION_EVENTS.streaming, task.sessionId, {
              taskId: task.id,
              packageId: pkg.id,
              text,
              attempt,
            });
          }
        },
        onRetry: (error, retry, delayMs) =>
          this.logger.warn({
            msg: 'retrying description request',
            taskId: task.id,
            packageId: pkg.id,
            retry,
            delayMs,
            error: String((error as Error)?.message ?? error),
          }),
      });
    } catch (error) {
      if (signal.aborted) return;
      // Something other than the AI broke for this package (the AI itself falls back): skip it, go on.
      this.logger.error({
        msg: 'describing a package failed',
        taskId: task.id,
        packageId: pkg.id,
        error: String(error),
      });
      const counted = await this.store.failItem(
        task.id,
        pkg.id,
        `Could not be described: ${(error as Error)?.message ?? error}`,
      );
      if (!counted || signal.aborted) return;
      counts.failed++;
      this.emitProgress(task, counts, 'PROGRESS', {
        message: `Could not describe "${pkg.title}"`,
        packageId: pkg.id,
      });
      return;
    }

    if (signal.aborted) return; // cancelled while the answer was on its way: not kept, not published
    // The commit writes nothing once the task is cancelled in the database (by any instance), and from
    // the commit to the last emit everything is synchronous: a cancel cannot slip in between.
    const commit = await this.store.commitItem(task.id, pkg.id, result, task.regenerate);
    if (commit.outcome === 'task-stopped' || signal.aborted) return;
    if (commit.outcome === 'package-gone') {
      counts.failed++;
      this.emitProgress(task, counts, 'PROGRESS', {
        message: `"${pkg.title}" was removed meanwhile`,
        packageId: pkg.id,
      });
      return;
    }
    counts.completed++;
    const progress = progressPercent(counts.completed + counts.failed, counts.total);
    if (commit.outcome === 'described') {
      this.emit<DescriptionUpdatePayload>(DESCRIPTION_EVENTS.updated, task.sessionId, {
        taskId: task.id,
        packageId: pkg.id,
        description: result.description,
        source: commit.source,
        progress,
        fallback: result.fallback,
      });
    }
    const how =
      commit.outcome === 'kept-manual'
        ? 'kept the hand-written description'
        : result.fallback
          ? `local fallback after ${result.attempts} attempts`
          : result.source.toLowerCase();
    this.emitProgress(task, counts, 'PROGRESS', {
      message: `Described "${pkg.title}" (${how})`,
      packageId: pkg.id,
    });
  }

  /**
   * The database could not even record the failure (it is unreachable, most likely): the task is still
   * RUNNING there, so it is resumed once the database answers again, with no restart. Committed items are
   * not redone.
   */
  private resumeLater(task: DescriptionTaskEntity): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      void this.start(task, true);
    }, RESUME_AFTER_DATABASE_ERROR_MS);
    timer.unref();
    this.resumeTimers.add(timer);
  }

  /** Records the task FAILED; false when the database could not take that write. */
  private async failTask(
    task: DescriptionTaskEntity,
    counts: TaskCounts,
    error: unknown,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (signal.aborted) return true;
    this.logger.error({
      msg: 'description task failed',
      taskId: task.id,
      error: String((error as Error)?.stack ?? error),
    });
    const message = `Stopped by an error: ${(error as Error)?.message ?? error}`;
    try {
      if (await this.store.finish(task.id, TaskStatus.FAILED, message)) {
        this.emitProgress(task, counts, 'FAILED', { message, status: TaskStatus.FAILED });
      }
      return true;
    } catch (writeError) {
      this.logger.error({
        msg: 'could not record the failure; the task resumes when the database answers',
        taskId: task.id,
        error: String(writeError),
      });
      return false;
    }
  }

  private async summary(taskId: string, counts: TaskCounts): Promise<string> {
    const by = await this.store.sourceCounts(taskId);
    const parts = [
      by.ai && `${by.ai} by AI`,
      by.cache && `${by.cache} from the cache`,
      by.local && `${by.local} locally`,
      by.fallback && `${by.fallback} locally after the AI failed`,
      by.kept && `${by.kept} kept as written by hand`,
      counts.failed && `${counts.failed} not described`,
    ].filter(Boolean);
    return `Described ${counts.completed} of ${counts.total} packages${parts.length ? `: ${parts.join(', ')}` : ''}`;
  }

  private emitProgress(
    task: DescriptionTaskEntity,
    counts: TaskCounts,
    type: ProgressTypeValue,
    extra: { message: string; packageId?: string; status?: TaskStatus },
  ): void {
    const finished = counts.completed + counts.failed;
    const status = extra.status ?? (type === 'COMPLETED' ? TaskStatus.COMPLETED : TaskStatus.RUNNING);
    this.emit<DescriptionProgressPayload>(DESCRIPTION_EVENTS.progress, task.sessionId, {
      taskId: task.id,
      type,
      status,
      message: extra.message,
      progress: progressPercent(finished, counts.total),
      current: type === 'PROGRESS' ? finished : null,
      total: counts.total,
      completed: counts.completed,
      failed: counts.failed,
      packageId: extra.packageId ?? null,
    });
  }

  private emit<T>(name: string, sessionId: string, payload: T): void {
    this.events.emit(name, { sessionId, payload } satisfies SessionEvent<T>);
  }
}
