import {
  BadRequestException,
  Injectable,
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
import type { DescriptionTaskEntity } from '../persistence';
import { DescriptionRunner } from '../runner/description-runner.service';
import { DescriptionTaskStore } from './description-task.store';
import { progressPercent } from './task-progress';
import { selectTaskTargets } from './task-targets';

/** Starting, cancelling and finding description tasks; resuming unfinished ones at boot. */
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
      void this.runner.start(task, task.startedAt !== null);
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
        await this.runner.start(active); // a no-op when it is already being worked on, as it should be
        return active;
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
      return this.requireTask(active.id);
    });
  }

  private async requireTask(id: string): Promise<DescriptionTaskEntity> {
    const task = await this.store.findTask(id);
    if (!task) throw new NotFoundException(`Description task ${id} not found`);
    return task;
  }

  private emitProgress(task: DescriptionTaskEntity, type: 'COMPLETED' | 'CANCELLED', message: string): void {
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
