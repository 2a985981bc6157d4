import {
  BadRequestException,
  Injectable,
  ServiceUnavailableException,
  NotFoundException,
  OnApplicationBootstrap,
  OnModuleInit,
  Logger,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  KeyedLock,
  PackagesService,
  SessionsService,
  SessionWorkRegistry,
  TaskStatus,
} from '@scorm-merge/packages';
import {
  DESCRIPTION_EVENTS,
  type DescriptionProgressPayload,
  type SessionEvent,
} from '../events/description-events';
import { DescriptionItemJobs } from '../jobs/description-item-jobs.service';
import type { DescriptionTaskEntity } from '../persistence';
import { DescriptionRunner } from '../runner/description-runner.service';
import { DescriptionTaskStore } from './description-task.store';
import { progressPercent } from './task-progress';
import { selectTaskTargets } from './task-targets';

const QUEUE_DOWN_MESSAGE =
  'Descriptions cannot start now: the job queue is unreachable. Try again in a moment.';

/**
 * Starting, cancelling and finding description tasks; resuming unfinished ones at boot. One process runs
 * tasks in its DescriptionRunner; with Redis their items are jobs (DescriptionItemJobs) for any instance.
 */
@Injectable()
export class DescriptionTasksService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(DescriptionTasksService.name);
  /** Start and cancel of one session run one at a time, so two racing starts make one task. */
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: DescriptionTaskStore,
    private readonly runner: DescriptionRunner,
    private readonly sessions: SessionsService,
    private readonly packages: PackagesService,
    private readonly events: EventEmitter2,
    private readonly work: SessionWorkRegistry,
    private readonly itemJobs: DescriptionItemJobs,
  ) {}

  onModuleInit(): void {
    // Retention never deletes a session whose description task is QUEUED or RUNNING.
    this.work.registerCondition(DescriptionTaskStore.ACTIVE_TASK_CONDITION);
  }

  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.store.findUnfinished();
    for (const task of unfinished) {
      this.logger.log({
        msg: 'resuming description task',
        taskId: task.id,
        sessionId: task.sessionId,
        completed: task.completed,
        total: task.total,
      });
      if (!this.itemJobs.enabled) {
        void this.runner.start(task, task.startedAt !== null);
        continue;
      }
      await this.resumeAsJobs(task).catch((error: unknown) =>
        this.logger.error({ msg: 'description task not resumed', taskId: task.id, error: String(error) }),
      );
    }
  }

  /** The session's latest task, or null; an unknown session is an error. */
  async latest(sessionId: string): Promise<DescriptionTaskEntity | null> {
    await this.sessions.require(sessionId);
    return this.store.findLatest(sessionId);
  }

  /** For Session.descriptionTask, whose session is already known to exist. */
  latestOfKnownSession(sessionId: string): Promise<DescriptionTaskEntity | null> {
    return this.store.findLatest(sessionId);
  }

  /** Starts a task, or returns the one already active in the session. */
  start(
    sessionId: string,
    packageIds: string[] | null | undefined,
    regenerate: boolean,
  ): Promise<DescriptionTaskEntity> {
    return this.lock.run(sessionId, async () => {
      await this.sessions.require(sessionId);
      const active = await this.store.findActive(sessionId);
      if (active) {
        if (!this.itemJobs.enabled)
          await this.runner.start(active); // a no-op when it is already being worked on, as it should be
        else await this.resumeAsJobs(active).catch(() => undefined); // its jobs, if Redis lost them
        return active;
      }
      if (this.itemJobs.enabled && !(await this.itemJobs.reachable())) {
        throw new ServiceUnavailableException(QUEUE_DOWN_MESSAGE);
      }
      const packages = await this.packages.listForSession(sessionId);
      const selection = selectTaskTargets(sessionId, packages, packageIds, regenerate);
      if (!selection.ok) {
        throw selection.problem === 'not-found'
          ? new NotFoundException(selection.message)
          : new BadRequestException(selection.message);
      }
      const { taskId, created } = await this.store.createTask({
        sessionId,
        packageIds: selection.packageIds,
        regenerate,
        emptyMessage: `Nothing to describe: ${selection.skippedManual} packages keep their hand-written descriptions (use regenerate to replace them)`,
      });
      // Another instance's start won the race: its task is the answer, and its runner works on it.
      if (!created) return this.requireTask(taskId);
      await this.sessions.touch(sessionId);
      const task = await this.requireTask(taskId);
      if (task.status === TaskStatus.QUEUED && this.itemJobs.enabled) {
        await this.startAsJobs(task);
        return this.requireTask(taskId);
      }
      if (task.status === TaskStatus.QUEUED) {
        await this.runner.start(task); // resolves once the task is marked RUNNING; works in the background
        return this.requireTask(taskId);
      }
      this.emitProgress(task, 'COMPLETED', task.message ?? 'Nothing to describe');
      return task;
    });
  }

  /** Cancels the session's active task; with none active, returns the latest one unchanged. */
  cancel(sessionId: string): Promise<DescriptionTaskEntity> {
    return this.lock.run(sessionId, async () => {
      await this.sessions.require(sessionId);
      const active = await this.store.findActive(sessionId);
      if (!active) {
        const latest = await this.store.findLatest(sessionId);
        if (!latest) throw new NotFoundException(`Session ${sessionId} has no description task to cancel`);
        return latest;
      }
      // Abort first: from this moment the runner commits and emits nothing more for the task.
      this.runner.cancel(active.id);
      const current = await this.requireTask(active.id);
      const message = `Cancelled after ${current.completed + current.failed} of ${current.total} packages`;
      if (await this.store.cancel(active.id, message)) {
        this.emitProgress({ ...current, status: TaskStatus.CANCELLED }, 'CANCELLED', message);
      }
      // Redis mode: CANCELLED is committed, so no instance starts another item; this stops those under way.
      if (this.itemJobs.enabled) {
        await this.itemJobs
          .cancel(active.id)
          .catch((error: unknown) =>
            this.logger.error({ msg: 'cancel not published', taskId: active.id, error: String(error) }),
          );
      }
      return this.requireTask(active.id);
    });
  }

  /** Redis mode: RUNNING, STARTED and its item jobs; a queue that cannot be reached fails the task at once. */
  private async startAsJobs(task: DescriptionTaskEntity): Promise<void> {
    try {
      await this.itemJobs.start(task);
    } catch (error) {
      this.logger.error({ msg: 'description task not queued', taskId: task.id, error: String(error) });
      if (await this.store.finish(task.id, TaskStatus.FAILED, QUEUE_DOWN_MESSAGE)) {
        const failed = await this.requireTask(task.id);
        this.emitProgress(failed, 'FAILED', QUEUE_DOWN_MESSAGE);
      }
      throw new ServiceUnavailableException(QUEUE_DOWN_MESSAGE);
    }
  }

  /** Redis mode: a QUEUED task starts; a RUNNING one gets its open items queued again (existing jobs stay). */
  private async resumeAsJobs(task: DescriptionTaskEntity): Promise<void> {
    if (task.status === TaskStatus.QUEUED) return this.itemJobs.start(task, task.startedAt !== null);
    const open = await this.store.openItems(task.id);
    await this.itemJobs.requeue(
      task,
      open.map((item) => item.packageId),
    );
  }

  private async requireTask(id: string): Promise<DescriptionTaskEntity> {
    const task = await this.store.findTask(id);
    if (!task) throw new NotFoundException(`Description task ${id} not found`);
    return task;
  }

  private emitProgress(
    task: DescriptionTaskEntity,
    type: 'COMPLETED' | 'CANCELLED' | 'FAILED',
    message: string,
  ): void {
    const payload: DescriptionProgressPayload = {
      taskId: task.id,
      type,
      status: task.status,
      message,
      progress: progressPercent(task.completed + task.failed, task.total),
      current: null,
      total: task.total,
      completed: task.completed,
      failed: task.failed,
      packageId: null,
    };
    this.events.emit(DESCRIPTION_EVENTS.progress, {
      sessionId: task.sessionId,
      payload,
    } satisfies SessionEvent<DescriptionProgressPayload>);
  }
}
