import { MigrationInterface, QueryRunner } from 'typeorm';

/** One row that /health rewrites: a read succeeds on a full disk, only a committed write tells. */
export class HealthProbe1764360000000 implements MigrationInterface {
  name = 'HealthProbe1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "health_probe" ("id" integer PRIMARY KEY NOT NULL CHECK ("id" = 1), "checkedAt" text NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "health_probe"`);
  }
}
