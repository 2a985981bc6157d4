import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a merge left active beside a newer one of its session reads once the index below exists. */
export const SUPERSEDED_MERGE_MESSAGE = 'Superseded: a newer merge of this session was started.';

/**
 * At most one QUEUED or RUNNING merge per session, whichever instance inserts it, enforced by a partial
 * unique index. Sessions that already hold several keep their newest one (the one a second click was
 * answered with); the older ones are marked FAILED first, or the index could not be built.
 */
export class OneActiveMergePerSession1765000100000 implements MigrationInterface {
  name = 'OneActiveMergePerSession1765000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "merge" SET "status" = 'FAILED', "step" = 'Failed', "error" = $1, "finishedAt" = now() ` +
        `WHERE "status" IN ('QUEUED', 'RUNNING') AND EXISTS (SELECT 1 FROM "merge" AS "newer" ` +
        `WHERE "newer"."sessionId" = "merge"."sessionId" AND "newer"."status" IN ('QUEUED', 'RUNNING') ` +
        `AND ("newer"."createdAt" > "merge"."createdAt" OR ("newer"."createdAt" = "merge"."createdAt" AND "newer"."id" > "merge"."id")))`,
      [SUPERSEDED_MERGE_MESSAGE],
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_merge_active_session" ON "merge" ("sessionId") WHERE "status" IN ('QUEUED', 'RUNNING')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "UQ_merge_active_session"`);
  }
}
