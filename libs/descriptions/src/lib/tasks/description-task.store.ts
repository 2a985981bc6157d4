import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  type DescriptionSourceValue,
  PackagesService,
  SqliteConnection,
  TaskStatus,
} from '@scorm-merge/packages';
import { randomUUID } from 'node:crypto';
import { DataSource, In, Repository } from 'typeorm';
import { DescriptionCacheStore } from '../cache/description-cache.store';
import { DescriptionTaskEntity, DescriptionTaskItemEntity } from '../persistence';
import { toSqliteDatetime } from '../persistence/sqlite-datetime';
import type { GeneratedDescription } from '../runner/description-generator';

const ACTIVE = `('QUEUED', 'RUNNING')`;

export interface NewTask {
  sessionId: string;
  /** In processing order. */
  packageIds: string[];
  regenerate: boolean;
  /** For a task with nothing to do, which is created already COMPLETED. */
  emptyMessage: string;
}

export type ItemCommit =
  | { outcome: 'described'; source: DescriptionSourceValue }
  /** The package got a hand-written description meanwhile; it was kept. */
  | { outcome: 'kept-manual' }
  | { outcome: 'package-gone' };

/**
 * Task and item rows. Reads go through TypeORM; writes that must be atomic run as synchronous
 * better-sqlite3 transactions (see SqliteConnection), always committed before any event is emitted.
 */
@Injectable()
export class DescriptionTaskStore {
  private readonly sql: SqliteConnection;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectRepository(DescriptionTaskEntity) private readonly tasks: Repository<DescriptionTaskEntity>,
    @InjectRepository(DescriptionTaskItemEntity)
    private readonly items: Repository<DescriptionTaskItemEntity>,
    private readonly cache: DescriptionCacheStore,
    private readonly packages: PackagesService,
  ) {
    this.sql = new SqliteConnection(dataSource);
  }

  /**
   * Creates the session's task, unless one is already QUEUED or RUNNING: then that one's id is returned.
   * Check and insert are one synchronous transaction, and a partial unique index backs it up.
   */
  createTask(task: NewTask): { taskId: string; created: boolean } {
    return this.sql.transaction(() => {
      const active = this.sql.get<{ id: string }>(
        `SELECT "id" FROM "description_task" WHERE "sessionId" = ? AND "status" IN ${ACTIVE}`,
        task.sessionId,
      );
      if (active) return { taskId: active.id, created: false };
      const id = randomUUID();
      const now = toSqliteDatetime(new Date());
      const empty = task.packageIds.length === 0;
      this.sql.run(
        `INSERT INTO "description_task" ("id", "sessionId", "status", "total", "completed", "failed", "message", "packageIds", "regenerate", "createdAt", "startedAt", "finishedAt") VALUES (?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?)`,
        id,
        task.sessionId,
        empty ? TaskStatus.COMPLETED : TaskStatus.QUEUED,
        task.packageIds.length,
        empty ? task.emptyMessage : null,
        JSON.stringify(task.packageIds),
        task.regenerate ? 1 : 0,
        now,
        empty ? now : null,
        empty ? now : null,
      );
      task.packageIds.forEach((packageId, position) =>
        this.sql.run(
          `INSERT INTO "description_task_item" ("taskId", "packageId", "position") VALUES (?, ?, ?)`,
          id,
          packageId,
          position,
        ),
      );
      return { taskId: id, created: true };
    });
  }

  findTask(id: string): Promise<DescriptionTaskEntity | null> {
    return this.tasks.findOneBy({ id });
  }

  async findLatest(sessionId: string): Promise<DescriptionTaskEntity | null> {
    // rowid breaks ties between tasks created in the same millisecond.
    const row = this.sql.get<{ id: string }>(
      `SELECT "id" FROM "description_task" WHERE "sessionId" = ? ORDER BY "createdAt" DESC, rowid DESC LIMIT 1`,
      sessionId,
    );
    return row ? this.findTask(row.id) : null;
  }

  /** Synchronous, for the retention check that must run in the same tick as the session's deletion. */
  hasActive(sessionId: string): boolean {
    return (
      this.sql.get(
        `SELECT 1 FROM "description_task" WHERE "sessionId" = ? AND "status" IN ${ACTIVE}`,
        sessionId,
      ) !== undefined
    );
  }

  findActive(sessionId: string): Promise<DescriptionTaskEntity | null> {
    return this.tasks.findOneBy({ sessionId, status: In([TaskStatus.QUEUED, TaskStatus.RUNNING]) });
  }

  /** Tasks a previous process left unfinished, oldest first. */
  findUnfinished(): Promise<DescriptionTaskEntity[]> {
    return this.tasks.find({
      where: { status: In([TaskStatus.QUEUED, TaskStatus.RUNNING]) },
      order: { createdAt: 'ASC' },
    });
  }

  /** Items still to describe, in order; RUNNING ones were interrupted by a stop and start again. */
  openItems(taskId: string): Promise<DescriptionTaskItemEntity[]> {
    return this.items.find({
      where: { taskId, status: In(['PENDING', 'RUNNING']) },
      order: { position: 'ASC' },
    });
  }

  /** QUEUED → RUNNING (or RUNNING again after a restart). False when the task was cancelled meanwhile. */
  markRunning(taskId: string): boolean {
    return (
      this.sql.run(
        `UPDATE "description_task" SET "status" = 'RUNNING', "startedAt" = COALESCE("startedAt", ?) WHERE "id" = ? AND "status" IN ${ACTIVE}`,
        toSqliteDatetime(new Date()),
        taskId,
      ) === 1
    );
  }

  markItemRunning(taskId: string, packageId: string): void {
    this.sql.run(
      `UPDATE "description_task_item" SET "status" = 'RUNNING' WHERE "taskId" = ? AND "packageId" = ? AND "status" = 'PENDING'`,
      taskId,
      packageId,
    );
  }

  /**
   * One transaction: the package's description, the item DONE, the task's count and the cache entry.
   * A description written by hand meanwhile is kept unless the task regenerates.
   */
  commitItem(
    taskId: string,
    packageId: string,
    result: GeneratedDescription,
    overwriteManual: boolean,
  ): ItemCommit {
    return this.sql.transaction((): ItemCommit => {
      const source = this.packages.descriptionSourceOf(packageId);
      if (!source) {
        this.failItemNow(taskId, packageId, 'The package was removed before it was described');
        return { outcome: 'package-gone' };
      }
      if (result.cacheKey) this.cache.save(result.cacheKey, result.description);
      const keep = source === 'MANUAL' && !overwriteManual;
      if (!keep) this.packages.writeDescription(packageId, result.description, result.source);
      this.sql.run(
        `UPDATE "description_task_item" SET "status" = 'DONE', "source" = ?, "fallback" = ?, "attempts" = "attempts" + ?, "error" = ?, "finishedAt" = ? WHERE "taskId" = ? AND "packageId" = ?`,
        keep ? 'MANUAL' : result.source,
        result.fallback ? 1 : 0,
        result.attempts,
        keep ? 'Kept the description written by hand meanwhile' : result.error,
        toSqliteDatetime(new Date()),
        taskId,
        packageId,
      );
      this.sql.run(`UPDATE "description_task" SET "completed" = "completed" + 1 WHERE "id" = ?`, taskId);
      return keep ? { outcome: 'kept-manual' } : { outcome: 'described', source: result.source };
    });
  }

  failItem(taskId: string, packageId: string, error: string): void {
    this.sql.transaction(() => this.failItemNow(taskId, packageId, error));
  }

  /** RUNNING → COMPLETED or FAILED; false when the task was cancelled meanwhile. */
  finish(taskId: string, status: TaskStatus.COMPLETED | TaskStatus.FAILED, message: string): boolean {
    return (
      this.sql.run(
        `UPDATE "description_task" SET "status" = ?, "message" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" = 'RUNNING'`,
        status,
        message,
        toSqliteDatetime(new Date()),
        taskId,
      ) === 1
    );
  }

  /** QUEUED/RUNNING → CANCELLED; false when it had already ended. */
  cancel(taskId: string, message: string): boolean {
    return (
      this.sql.run(
        `UPDATE "description_task" SET "status" = 'CANCELLED', "message" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" IN ${ACTIVE}`,
        message,
        toSqliteDatetime(new Date()),
        taskId,
      ) === 1
    );
  }

  /** How the finished items were described, for the closing message. */
  sourceCounts(taskId: string): { ai: number; cache: number; local: number; fallback: number; kept: number } {
    const rows = this.sql.all<{ source: string | null; fallback: number; n: number }>(
      `SELECT "source", "fallback", COUNT(*) AS n FROM "description_task_item" WHERE "taskId" = ? AND "status" = 'DONE' GROUP BY "source", "fallback"`,
      taskId,
    );
    const counts = { ai: 0, cache: 0, local: 0, fallback: 0, kept: 0 };
    for (const row of rows) {
      if (row.fallback) counts.fallback += row.n;
      else if (row.source === 'AI') counts.ai += row.n;
      else if (row.source === 'CACHE') counts.cache += row.n;
      else if (row.source === 'MANUAL') counts.kept += row.n;
      else counts.local += row.n;
    }
    return counts;
  }

  private failItemNow(taskId: string, packageId: string, error: string): void {
    this.sql.run(
      `UPDATE "description_task_item" SET "status" = 'FAILED', "error" = ?, "finishedAt" = ? WHERE "taskId" = ? AND "packageId" = ?`,
      error,
      toSqliteDatetime(new Date()),
      taskId,
      packageId,
    );
    this.sql.run(`UPDATE "description_task" SET "failed" = "failed" + 1 WHERE "id" = ?`, taskId);
  }
}
