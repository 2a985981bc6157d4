import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, Repository } from 'typeorm';
import { PackagesService } from '../packages/packages.service';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { type SqlDatabase, sqlDatabaseFor } from '../persistence/sql-database';
import { isUniqueViolation } from '../persistence/unique-violation';
import { MergeEntity } from './merge.entity';
import { SessionsService } from '../sessions/sessions.service';
import { SessionWorkRegistry } from '../sessions/session-work.registry';
import { ACTIVE_TASK_STATUSES, TaskStatus } from '../shared/task-status';
import { OUT_OF_STORAGE_MESSAGE, StorageSpace } from '../storage/storage-space';
import { courseTitle } from '@scorm-merge/scorm';
import { MERGE_PROGRESS_EVENT, type MergeProgressChanged } from './merge-events';
import { MergeRunner } from './merge-runner.service';
import { MergeStorage } from './merge-storage';
import type { MergeOptionsInput } from './models/merge-options.input';

const MERGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class MergesService implements OnModuleInit {
  private readonly logger = new Logger(MergesService.name);
  private readonly db: SqlDatabase;

  constructor(
    @InjectRepository(MergeEntity) private readonly merges: Repository<MergeEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly packages: PackagesService,
    private readonly runner: MergeRunner,
    private readonly storage: MergeStorage,
    private readonly space: StorageSpace,
    private readonly work: SessionWorkRegistry,
    private readonly events: EventEmitter2,
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
  ) {
    this.db = sqlDatabaseFor(dataSource);
  }

  onModuleInit(): void {
    // A QUEUED or RUNNING merge keeps its session from retention.
    this.work.registerCondition(
      `EXISTS (SELECT 1 FROM "merge" WHERE "merge"."sessionId" = "session"."id" AND "merge"."status" IN ('QUEUED', 'RUNNING'))`,
    );
  }

  /** Fixes the valid packages and their order now; the merge itself runs in the background. */
  async start(sessionId: string, options: MergeOptionsInput | null | undefined): Promise<MergeEntity> {
    await this.sessions.require(sessionId);
    // A merge already under way is the answer to a second click, not a reason for another full copy.
    const active = await this.activeMerge(sessionId);
    if (active) return active;
    const valid = (await this.packages.listForSession(sessionId)).filter((p) => !p.error && p.storagePath);
    if (valid.length === 0) {
      throw new BadRequestException(
        'Nothing to merge: the session has no valid package. Upload at least one SCORM zip.',
      );
    }
    // The merged zip is about as large as its packages together: it must fit above the free-space floor.
    const expectedBytes = valid.reduce((sum, p) => sum + p.sizeBytes, 0);
    if (!(await this.space.hasRoomFor(expectedBytes))) {
      throw new HttpException(OUT_OF_STORAGE_MESSAGE, HttpStatus.INSUFFICIENT_STORAGE);
    }
    const title = courseTitle(
      options?.title,
      valid.map((p) => p.title),
    );
    const merge = this.merges.create({
      id: randomUUID(),
      sessionId,
      status: TaskStatus.QUEUED,
      progress: 0,
      step: 'Queued',
      title,
      includeMenu: options?.includeMenu ?? true,
      packageIds: valid.map((p) => p.id),
      outputPath: null,
      sizeBytes: null,
      scormVersion: null,
      outline: null,
      error: null,
      warnings: [],
      finishedAt: null,
      // Milliseconds, so merges started within one second still list in order.
      createdAt: new Date(),
    });
    // A plain INSERT: TypeORM's save() would wrap it in a transaction other requests' writes could join.
    try {
      await this.merges.insert(merge);
    } catch (error) {
      // Another request (on this instance or another) inserted the session's active merge since the check
      // above: the partial unique index refused this one, and the merge that won is the answer.
      if (!isUniqueViolation(error)) throw error;
      // Should the winner have ended already, it is still the session's newest merge.
      const winner =
        (await this.activeMerge(sessionId)) ??
        (await this.merges.findOne({ where: { sessionId }, order: { createdAt: 'DESC' } }));
      if (!winner) throw error;
      return winner;
    }
    await this.sessions.touch(sessionId);
    try {
      await this.runner.enqueue(merge.id);
    } catch (error) {
      const message = 'The merge cannot start now: the job queue is unreachable. Try again in a moment.';
      this.logger.error({ msg: 'merge not queued', mergeId: merge.id, error: String(error) });
      await this.merges.update(
        { id: merge.id },
        { status: TaskStatus.FAILED, step: 'Failed', error: message, finishedAt: new Date() },
      );
      throw new ServiceUnavailableException(message);
    }
    return merge;
  }

  /** The session's QUEUED or RUNNING merge; the database holds at most one. */
  private activeMerge(sessionId: string): Promise<MergeEntity | null> {
    return this.merges.findOne({ where: { sessionId, status: In([...ACTIVE_TASK_STATUSES]) } });
  }

  listForSession(sessionId: string): Promise<MergeEntity[]> {
    return this.merges.find({ where: { sessionId }, order: { createdAt: 'DESC' } });
  }

  /** Null for unknown ids, malformed ids and other sessions' merges alike. */
  async findInSession(sessionId: string, mergeId: string): Promise<MergeEntity | null> {
    if (!MERGE_ID.test(mergeId) || !(await this.sessions.find(sessionId))) return null;
    return this.merges.findOneBy({ id: mergeId, sessionId });
  }

  /** The merge with this id in any session; null for unknown and malformed ids. Callers check the session. */
  findById(mergeId: string): Promise<MergeEntity | null> {
    return MERGE_ID.test(mergeId) ? this.merges.findOneBy({ id: mergeId }) : Promise.resolve(null);
  }

  /**
   * Deletes the zips of up to `limit` merges finished before `cutoff` and marks them EXPIRED (the row is
   * updated first: a zip left behind by a crash is harmless, a COMPLETED merge without its zip is not).
   * Returns how many expired.
   */
  async expireFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.db.all<{ id: string; sessionId: string; outputPath: string | null }>(
      `SELECT "id", "sessionId", "outputPath" FROM "merge" WHERE "status" = ? AND "finishedAt" < ? ORDER BY "finishedAt" LIMIT ?`,
      TaskStatus.COMPLETED,
      this.db.timestamp(cutoff),
      limit,
    );
    let expired = 0;
    for (const row of rows) {
      const changed = await this.db.run(
        `UPDATE "merge" SET "status" = ?, "step" = 'Expired', "outputPath" = NULL WHERE "id" = ? AND "status" = ?`,
        TaskStatus.EXPIRED,
        row.id,
        TaskStatus.COMPLETED,
      );
      if (changed === 0) continue;
      expired += 1;
      try {
        await this.storage.remove(row.outputPath);
      } catch (error) {
        this.logger.warn({ msg: 'expired merge file not removed', mergeId: row.id, error: String(error) });
      }
      const event: MergeProgressChanged = {
        sessionId: row.sessionId,
        mergeId: row.id,
        status: TaskStatus.EXPIRED,
        step: 'Expired',
        progress: 100,
      };
      this.events.emit(MERGE_PROGRESS_EVENT, event);
    }
    return expired;
  }

  /** Removes a deleted session's merged zips. */
  removeSessionFiles(sessionId: string): Promise<void> {
    return this.storage.removeSessionFolder(sessionId);
  }
}
