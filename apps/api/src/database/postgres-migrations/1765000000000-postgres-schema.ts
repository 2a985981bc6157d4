import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole schema the SQLite migrations build, at once, for PostgreSQL: timestamptz for datetimes,
 * bigint for byte sizes, the same indexes (the partial unique one included) and cascading foreign keys.
 * Later schema changes get a migration in each folder.
 */
export class PostgresSchema1765000000000 implements MigrationInterface {
  name = 'PostgresSchema1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "session" ("id" text NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f55da76ac1c3ac420f444d2ff11" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "package" ("id" text NOT NULL, "sessionId" text NOT NULL, "position" integer NOT NULL, "filename" text NOT NULL, "title" text NOT NULL, "sizeBytes" bigint NOT NULL, "contentHash" text, "storagePath" text, "scormVersion" text, "scoCount" integer NOT NULL DEFAULT '0', "description" text NOT NULL DEFAULT '', "descriptionSource" text NOT NULL DEFAULT 'LOCAL', "lomDescription" text, "contentSample" text NOT NULL DEFAULT '', "outline" text NOT NULL, "warnings" text NOT NULL, "error" text, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_308364c66df656295bc4ec467c2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_package_session_position" ON "package" ("sessionId", "position")`,
    );
    await queryRunner.query(
      `CREATE TABLE "merge" ("id" text NOT NULL, "sessionId" text NOT NULL, "status" text NOT NULL, "progress" integer NOT NULL DEFAULT '0', "step" text, "title" text NOT NULL, "includeMenu" boolean NOT NULL DEFAULT true, "packageIds" text NOT NULL, "outputPath" text, "sizeBytes" bigint, "scormVersion" text, "outline" text, "error" text, "warnings" text NOT NULL DEFAULT '[]', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finishedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d6e0a42a60b854bac4086782cf2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_merge_session" ON "merge" ("sessionId")`);
    await queryRunner.query(
      `CREATE TABLE "description_cache" ("contentHash" text NOT NULL, "model" text NOT NULL, "promptVersion" text NOT NULL, "description" text NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0337edd252a3126fe5efafb664a" PRIMARY KEY ("contentHash", "model", "promptVersion"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "description_task" ("id" text NOT NULL, "sessionId" text NOT NULL, "status" text NOT NULL DEFAULT 'QUEUED', "total" integer NOT NULL DEFAULT '0', "completed" integer NOT NULL DEFAULT '0', "failed" integer NOT NULL DEFAULT '0', "message" text, "packageIds" text NOT NULL, "regenerate" boolean NOT NULL DEFAULT false, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "startedAt" TIMESTAMP WITH TIME ZONE, "finishedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cf04f9e4b5c763df5fb76dcfb07" PRIMARY KEY ("id"))`,
    );
    // At most one QUEUED or RUNNING task per session, whichever instance inserts it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_description_task_active_session" ON "description_task" ("sessionId") WHERE "status" IN ('QUEUED', 'RUNNING')`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_description_task_session_created" ON "description_task" ("sessionId", "createdAt")`,
    );
    await queryRunner.query(
      `CREATE TABLE "description_task_item" ("taskId" text NOT NULL, "packageId" text NOT NULL, "position" integer NOT NULL, "status" text NOT NULL DEFAULT 'PENDING', "source" text, "fallback" boolean NOT NULL DEFAULT false, "attempts" integer NOT NULL DEFAULT '0', "error" text, "finishedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_36e2585665fb661c40414107d80" PRIMARY KEY ("taskId", "packageId"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_description_task_item_status" ON "description_task_item" ("taskId", "status")`,
    );
    await queryRunner.query(
      `ALTER TABLE "package" ADD CONSTRAINT "FK_package_session" FOREIGN KEY ("sessionId") REFERENCES "session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "merge" ADD CONSTRAINT "FK_merge_session" FOREIGN KEY ("sessionId") REFERENCES "session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "description_task" ADD CONSTRAINT "FK_description_task_session" FOREIGN KEY ("sessionId") REFERENCES "session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "description_task_item" ADD CONSTRAINT "FK_description_task_item_task" FOREIGN KEY ("taskId") REFERENCES "description_task"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The /health write probe's one row (no entity, as on SQLite).
    await queryRunner.query(
      `CREATE TABLE "health_probe" ("id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1), "checkedAt" text NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "health_probe"`);
    await queryRunner.query(`DROP TABLE "description_task_item"`);
    await queryRunner.query(`DROP TABLE "description_task"`);
    await queryRunner.query(`DROP TABLE "description_cache"`);
    await queryRunner.query(`DROP TABLE "merge"`);
    await queryRunner.query(`DROP TABLE "package"`);
    await queryRunner.query(`DROP TABLE "session"`);
  }
}
