import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { PackagesService } from '../packages/packages.service';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { MergeEntity } from './merge.entity';
import { MergeError, mergePackages } from '@scorm-merge/scorm';
import { KeyedLock } from '../shared/keyed-lock';
import { ACTIVE_TASK_STATUSES, TaskStatus } from '../shared/task-status';
import { PackageStorage } from '../upload/package-storage';
import { MERGE_PROGRESS_EVENT, type MergeProgressChanged } from './merge-events';
import { MergeStorage } from './merge-storage';
import { JobQueueFactory } from '../redis/job-queue.factory';

/** Merges are disk-bound: one runs at a time per process, the others wait QUEUED. */
const QUEUE_KEY = 'merges';
/** The BullMQ queue of merges in Redis mode; a job's id is its merge's id. */
export const MERGE_JOB_QUEUE = 'merges';

interface MergeJob {
  mergeId: string;
}

/**
 * Runs merges in the background: writes each step to the database, then emits it. One process runs them
 * in order from an in-process queue; with Redis they are BullMQ jobs that any instance may run, one at a
 * time each, and a dead instance's merge starts over on another.
 */
@Injectable()
export class MergeRunner implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(MergeRunner.name);
  private readonly queue = new KeyedLock();
  private jobQueue: Queue | null = null;

  constructor(
    @InjectRepository(MergeEntity) private readonly merges: Repository<MergeEntity>,
    private readonly packages: PackagesService,
    private readonly packageStorage: PackageStorage,
    private readonly mergeStorage: MergeStorage,
    private readonly events: EventEmitter2,
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
    private readonly jobs: JobQueueFactory,
  ) {}

  onModuleInit(): void {
    if (!this.jobs.enabled) return;
    this.jobQueue = this.jobs.createQueue(MERGE_JOB_QUEUE);
    this.jobs.createWorker<MergeJob>(MERGE_JOB_QUEUE, (job) => this.run(job.data.mergeId), 1);
  }

  /** A merge cut short by a restart starts again from scratch: its output was only ever a temporary file. */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.merges.find({
      where: { status: In([...ACTIVE_TASK_STATUSES]) },
      order: { createdAt: 'ASC' },
    });
    for (const merge of unfinished) {
      this.logger.log({ msg: 'resuming merge after restart', mergeId: merge.id, sessionId: merge.sessionId });
      // With Redis a merge still queued or running elsewhere keeps its job: the same id adds nothing.
      await this.enqueue(merge.id).catch((error: unknown) =>
        this.logger.error({ msg: 'merge not resumed', mergeId: merge.id, error: String(error) }),
      );
    }
  }

  /** Queues the merge; with Redis, throws JobQueueUnavailableError when the queue cannot be reached. */
  async enqueue(mergeId: string): Promise<void> {
    if (this.jobQueue) {
      await this.jobs.add(this.jobQueue, [{ jobId: mergeId, data: { mergeId } satisfies MergeJob }]);
      return;
    }
    // run() records its own failures; this only catches the database being gone altogether.
    this.queue
      .run(QUEUE_KEY, () => this.run(mergeId))
      .catch((error: unknown) =>
        this.logger.error({ msg: 'merge could not be recorded', mergeId, error: String(error) }),
      );
  }

  private async run(mergeId: string): Promise<void> {
    const merge = await this.merges.findOneBy({ id: mergeId });
    if (!merge || !ACTIVE_TASK_STATUSES.includes(merge.status)) return;
    // RUNNING here means a run was cut short (a restart, or a dead instance): it starts over.
    const startsOver = merge.status === TaskStatus.RUNNING;
    this.logger.log({
      msg: startsOver ? 'merge starts over' : 'merge running',
      mergeId,
      sessionId: merge.sessionId,
    });
    let lastWrite = Promise.resolve();
    try {
      await this.update(merge, {
        status: TaskStatus.RUNNING,
        step: 'Reading packages',
        progress: 0,
        error: null,
        warnings: [],
      });
      const packages = await this.packages.findByIds(merge.packageIds);
      const byId = new Map(packages.map((p) => [p.id, p]));
      const inputs = merge.packageIds.map((id) => {
        const pkg = byId.get(id);
        if (!pkg?.storagePath) {
          throw new MergeError(
            `A package of this merge (${id}) was removed from the session.`,
            'PACKAGE_MISSING',
          );
        }
        const zipPath = this.packageStorage.absolutePath(pkg.storagePath);
        return { zipPath, title: pkg.title, description: pkg.description, filename: pkg.filename };
      });
      const outputPath = this.mergeStorage.relativePath(merge.sessionId, merge.id);
      // A run cut short (here or on a dead instance) left its partial zip: this run writes a new one.
      await this.mergeStorage.removePartial(outputPath);
      const result = await mergePackages(
        inputs,
        await this.mergeStorage.prepare(outputPath),
        { title: merge.title, includeMenu: merge.includeMenu, limits: this.options.packageLimits },
        {
          onProgress: ({ step, progress }) => {
            const rounded = Math.min(99, Math.floor(progress));
            if (rounded <= merge.progress && step === merge.step) return;
            lastWrite = lastWrite
              .then(() => this.update(merge, { step, progress: Math.max(merge.progress, rounded) }))
              // A lost progress step is harmless; an unhandled rejection would end the process.
              .catch((error: unknown) =>
                this.logger.warn({ msg: 'merge progress not saved', mergeId, error: String(error) }),
              );
          },
        },
      );
      await lastWrite;
      if (result.warnings.length > 0) {
        this.logger.warn({ msg: 'merge finished with warnings', mergeId, warnings: result.warnings });
      }
      await this.update(merge, {
        status: TaskStatus.COMPLETED,
        warnings: result.warnings,
        step: 'Done',
        progress: 100,
        outputPath,
        sizeBytes: result.sizeBytes,
        scormVersion: result.scormVersion,
        outline: result.modules.map(({ folder, title, scoCount, items }) => ({
          folder,
          title,
          scoCount,
          items,
        })),
        finishedAt: new Date(),
      });
    } catch (error) {
      // A progress write still pending must land before FAILED, never after it.
      await lastWrite;
      const message =
        error instanceof MergeError
          ? error.message
          : `The merge failed: ${(error as Error)?.message ?? String(error)}`;
      if (!(error instanceof MergeError))
        this.logger.error({ msg: 'merge failed', mergeId, error: String((error as Error)?.stack ?? error) });
      await this.update(merge, {
        status: TaskStatus.FAILED,
        step: 'Failed',
        error: message,
        finishedAt: new Date(),
      });
    }
  }

  private async update(merge: MergeEntity, changes: Partial<MergeEntity>): Promise<void> {
    Object.assign(merge, changes);
    await this.merges.update({ id: merge.id }, changes);
    const event: MergeProgressChanged = {
      sessionId: merge.sessionId,
      mergeId: merge.id,
      status: merge.status,
      step: merge.step ?? '',
      progress: merge.progress,
    };
    this.events.emit(MERGE_PROGRESS_EVENT, event);
  }
}
