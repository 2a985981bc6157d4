import { MigrationInterface, QueryRunner } from 'typeorm';

/** Merge.warnings: what a merge adapted or left out, kept so users see it, not only the log. */
export class MergeWarnings1764350400000 implements MigrationInterface {
  name = 'MergeWarnings1764350400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "merge" ADD COLUMN "warnings" text NOT NULL DEFAULT ('[]')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "merge" DROP COLUMN "warnings"`);
  }
}
