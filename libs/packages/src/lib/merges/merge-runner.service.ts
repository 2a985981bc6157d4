import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
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

/** Merges are disk-bound: one runs at a time, the others wait QUEUED. */
const QUEUE_KEY = 'merges';

/** Runs merges in the background: writes each step to SQLite, then emits it. */
@Injectable()
export class MergeRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger(MergeRunner.name);
  private readonly queue = new KeyedLock();

  constructor(
    @InjectRepository(MergeEntity) private readonly merges: Repository<MergeEntity>,
    private readonly packages: PackagesService,
    private readonly packageStorage: PackageStorage,
    private readonly mergeStorage: MergeStorage,
    private readonly events: EventEmitter2,
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
  ) {}

  /** A merge cut short by a restart starts again from scratch: its output was only ever a temporary file. */
  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.merges.find({
      where: { status: In([...ACTIVE_TASK_STATUSES]) },
      order: { createdAt: 'ASC' },
    });
    for (const merge of unfinished) {
      this.logger.log({ msg: 'resuming merge after restart', mergeId: merge.id, sessionId: merge.sessionId });
      this.enqueue(merge.id);
    }
  }

  enqueue(mergeId: string): void {
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
