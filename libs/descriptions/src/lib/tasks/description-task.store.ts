import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import {
  type DescriptionSourceValue,
  isUniqueViolation,
  PackagesService,
  type SqlDatabase,
  type SqlExecutor,
  sqlDatabaseFor,
  TaskStatus,
} from '@scorm-merge/packages';
import { randomUUID } from 'node:crypto';
import { DataSource, In, Repository } from 'typeorm';
import { DescriptionCacheStore } from '../cache/description-cache.store';
import { DescriptionTaskEntity, DescriptionTaskItemEntity } from '../persistence';
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
  | { outcome: 'package-gone' }
  /** The task was cancelled or ended meanwhile: nothing was written. */
  | { outcome: 'task-stopped' };

/**
 * Task and item rows. Reads go through TypeORM; writes that must be atomic run as SqlDatabase
 * transactions, always committed before any event is emitted. The rules that must hold across
 * instances (one active task per session, nothing committed after a cancel) rest on the database: a
 * partial unique index and conditional updates of the task row, not on this process's memory.
 */
@Injectable()
export class DescriptionTaskStore {
  private readonly db: SqlDatabase;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectRepository(DescriptionTaskEntity) private readonly tasks: Repository<DescriptionTaskEntity>,
    @InjectRepository(DescriptionTaskItemEntity)
    private readonly items: Repository<DescriptionTaskItemEntity>,
    private readonly cache: DescriptionCacheStore,
    private readonly packages: PackagesService,
  ) {
    this.db = sqlDatabaseFor(dataSource);
  }

  /**
   * Creates the session's task, unless one is already QUEUED or RUNNING: then that one's id is returned.
   * Check and insert are one transaction; when another instance's insert wins the race between them, the
   * partial unique index refuses ours and the winner's task is the answer.
   */
  async createTask(task: NewTask): Promise<{ taskId: string; created: boolean }> {
    try {
      return await this.insertTaskUnlessActive(task);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const active = await this.activeTaskId(this.db, task.sessionId);
      if (!active) throw error;
      return { taskId: active, created: false };
    }
  }

  private insertTaskUnlessActive(task: NewTask): Promise<{ taskId: string; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const active = await this.activeTaskId(tx, task.sessionId);
      if (active) return { taskId: active, created: false };
      const id = randomUUID();
      const now = this.db.timestamp(new Date());
      const empty = task.packageIds.length === 0;
      await tx.run(
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
      for (const [position, packageId] of task.packageIds.entries()) {
        await tx.run(
          `INSERT INTO "description_task_item" ("taskId", "packageId", "position") VALUES (?, ?, ?)`,
          id,
          packageId,
          position,
        );
      }
      return { taskId: id, created: true };
    });
  }

  private async activeTaskId(sql: SqlExecutor, sessionId: string): Promise<string | undefined> {
    const row = await sql.get<{ id: string }>(
      `SELECT "id" FROM "description_task" WHERE "sessionId" = ? AND "status" IN ${ACTIVE}`,
      sessionId,
    );
    return row?.id;
  }

  findTask(id: string): Promise<DescriptionTaskEntity | null> {
    return this.tasks.findOneBy({ id });
  }

  async findLatest(sessionId: string): Promise<DescriptionTaskEntity | null> {
    // On SQLite rowid breaks ties between tasks created in the same millisecond; PostgreSQL has no
    // rowid, and there a still active task is the later one.
    const tieBreak =
      this.db.dialect === 'sqlite'
        ? 'rowid DESC'
        : `CASE WHEN "status" IN ${ACTIVE} THEN 0 ELSE 1 END, "startedAt" DESC NULLS LAST`;
    const row = await this.db.get<{ id: string }>(
      `SELECT "id" FROM "description_task" WHERE "sessionId" = ? ORDER BY "createdAt" DESC, ${tieBreak} LIMIT 1`,
      sessionId,
    );
    return row ? this.findTask(row.id) : null;
  }

  /** For the retention sweep: true while the session "session"."id" has an active task. */
  static readonly ACTIVE_TASK_CONDITION = `EXISTS (SELECT 1 FROM "description_task" WHERE "description_task"."sessionId" = "session"."id" AND "description_task"."status" IN ${ACTIVE})`;

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

  /**
   * QUEUED → RUNNING, or RUNNING again when `resumed` after a restart. False when the task was cancelled
   * meanwhile, or (not resumed) when another runner, in this process or another instance, claimed it first.
   */
  async markRunning(taskId: string, resumed: boolean): Promise<boolean> {
    const from = resumed ? ACTIVE : `('QUEUED')`;
    const changed = await this.db.run(
      `UPDATE "description_task" SET "status" = 'RUNNING', "startedAt" = COALESCE("startedAt", ?) WHERE "id" = ? AND "status" IN ${from}`,
      this.db.timestamp(new Date()),
      taskId,
    );
    return changed === 1;
  }

  async markItemRunning(taskId: string, packageId: string): Promise<void> {
    await this.db.run(
      `UPDATE "description_task_item" SET "status" = 'RUNNING' WHERE "taskId" = ? AND "packageId" = ? AND "status" = 'PENDING'`,
      taskId,
      packageId,
    );
  }

  /**
   * One transaction: the package's description, the item DONE, the task's count and the cache entry.
   * A description written by hand meanwhile is kept unless the task regenerates. The task's count is
   * updated first and only while the task is active: on PostgreSQL that locks the task row, so a cancel
   * (from any instance) either comes after this commit or makes it write nothing.
   */
  commitItem(
    taskId: string,
    packageId: string,
    result: GeneratedDescription,
    overwriteManual: boolean,
  ): Promise<ItemCommit> {
    return this.db
      .transaction(async (tx): Promise<ItemCommit> => {
        const source = await this.packages.descriptionSourceOf(packageId, tx);
        if (!source) {
          if (
            !(await this.failItemIn(tx, taskId, packageId, 'The package was removed before it was described'))
          ) {
            throw new TaskStopped();
          }
          return { outcome: 'package-gone' };
        }
        const counted = await tx.run(
          `UPDATE "description_task" SET "completed" = "completed" + 1 WHERE "id" = ? AND "status" IN ${ACTIVE}`,
          taskId,
        );
        if (counted === 0) throw new TaskStopped();
        if (result.cacheKey) await this.cache.save(result.cacheKey, result.description, tx);
        const keep = source === 'MANUAL' && !overwriteManual;
        if (!keep) await this.packages.writeDescription(packageId, result.description, result.source, tx);
        await tx.run(
          `UPDATE "description_task_item" SET "status" = 'DONE', "source" = ?, "fallback" = ?, "attempts" = "attempts" + ?, "error" = ?, "finishedAt" = ? WHERE "taskId" = ? AND "packageId" = ?`,
          keep ? 'MANUAL' : result.source,
          result.fallback ? 1 : 0,
          result.attempts,
          keep ? 'Kept the description written by hand meanwhile' : result.error,
          this.db.timestamp(new Date()),
          taskId,
          packageId,
        );
        return keep ? { outcome: 'kept-manual' } : { outcome: 'described', source: result.source };
      })
      .catch((error: unknown) => {
        if (error instanceof TaskStopped) return { outcome: 'task-stopped' } as const;
        throw error;
      });
  }

  /** False when the task was no longer active (nothing written). */
  failItem(taskId: string, packageId: string, error: string): Promise<boolean> {
    return this.db
      .transaction(async (tx) => {
        if (!(await this.failItemIn(tx, taskId, packageId, error))) throw new TaskStopped();
        return true;
      })
      .catch((failure: unknown) => {
        if (failure instanceof TaskStopped) return false;
        throw failure;
      });
  }

  /** RUNNING → COMPLETED or FAILED; false when the task was cancelled meanwhile. */
  async finish(
    taskId: string,
    status: TaskStatus.COMPLETED | TaskStatus.FAILED,
    message: string,
  ): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE "description_task" SET "status" = ?, "message" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" = 'RUNNING'`,
      status,
      message,
      this.db.timestamp(new Date()),
      taskId,
    );
    return changed === 1;
  }

  /** QUEUED/RUNNING → CANCELLED; false when it had already ended. */
  async cancel(taskId: string, message: string): Promise<boolean> {
    const changed = await this.db.run(
      `UPDATE "description_task" SET "status" = 'CANCELLED', "message" = ?, "finishedAt" = ? WHERE "id" = ? AND "status" IN ${ACTIVE}`,
      message,
      this.db.timestamp(new Date()),
      taskId,
    );
    return changed === 1;
  }

  /** How the finished items were described, for the closing message. */
  async sourceCounts(
    taskId: string,
  ): Promise<{ ai: number; cache: number; local: number; fallback: number; kept: number }> {
    const rows = await this.db.all<{ source: string | null; fallback: number | boolean; n: number }>(
      `SELECT "source", "fallback", CAST(COUNT(*) AS INTEGER) AS "n" FROM "description_task_item" WHERE "taskId" = ? AND "status" = 'DONE' GROUP BY "source", "fallback"`,
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

  /** Counts the item failed, only while the task is active; false (nothing written) otherwise. */
  private async failItemIn(
    sql: SqlExecutor,
    taskId: string,
    packageId: string,
    error: string,
  ): Promise<boolean> {
    const counted = await sql.run(
      `UPDATE "description_task" SET "failed" = "failed" + 1 WHERE "id" = ? AND "status" IN ${ACTIVE}`,
      taskId,
    );
    if (counted === 0) return false;
    await sql.run(
      `UPDATE "description_task_item" SET "status" = 'FAILED', "error" = ?, "finishedAt" = ? WHERE "taskId" = ? AND "packageId" = ?`,
      error,
      this.db.timestamp(new Date()),
      taskId,
      packageId,
    );
    return true;
  }
}

/** Rolls back a commit whose task is no longer active. */
class TaskStopped extends Error {}
