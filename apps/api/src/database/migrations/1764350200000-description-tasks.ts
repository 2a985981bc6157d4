import { MigrationInterface, QueryRunner } from 'typeorm';

/** Description tasks (one row per run, one per package) and the AI description cache. */
export class DescriptionTasks1764350200000 implements MigrationInterface {
  name = 'DescriptionTasks1764350200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "description_task" ("id" text PRIMARY KEY NOT NULL, "sessionId" text NOT NULL, "status" text NOT NULL DEFAULT ('QUEUED'), "total" integer NOT NULL DEFAULT (0), "completed" integer NOT NULL DEFAULT (0), "failed" integer NOT NULL DEFAULT (0), "message" text, "packageIds" text NOT NULL, "regenerate" boolean NOT NULL DEFAULT (0), "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "startedAt" datetime, "finishedAt" datetime, CONSTRAINT "FK_description_task_session" FOREIGN KEY ("sessionId") REFERENCES "session" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_description_task_session_created" ON "description_task" ("sessionId", "createdAt") `,
    );
    // At most one QUEUED or RUNNING task per session, enforced by SQLite itself.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_description_task_active_session" ON "description_task" ("sessionId") WHERE "status" IN ('QUEUED', 'RUNNING')`,
    );
    await queryRunner.query(
      `CREATE TABLE "description_task_item" ("taskId" text NOT NULL, "packageId" text NOT NULL, "position" integer NOT NULL, "status" text NOT NULL DEFAULT ('PENDING'), "source" text, "fallback" boolean NOT NULL DEFAULT (0), "attempts" integer NOT NULL DEFAULT (0), "error" text, "finishedAt" datetime, CONSTRAINT "FK_description_task_item_task" FOREIGN KEY ("taskId") REFERENCES "description_task" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("taskId", "packageId"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_description_task_item_status" ON "description_task_item" ("taskId", "status") `,
    );
    await queryRunner.query(
      `CREATE TABLE "description_cache" ("contentHash" text NOT NULL, "model" text NOT NULL, "promptVersion" text NOT NULL, "description" text NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), PRIMARY KEY ("contentHash", "model", "promptVersion"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "description_cache"`);
    await queryRunner.query(`DROP INDEX "IDX_description_task_item_status"`);
    await queryRunner.query(`DROP TABLE "description_task_item"`);
    await queryRunner.query(`DROP INDEX "UQ_description_task_active_session"`);
    await queryRunner.query(`DROP INDEX "IDX_description_task_session_created"`);
    await queryRunner.query(`DROP TABLE "description_task"`);
  }
}
