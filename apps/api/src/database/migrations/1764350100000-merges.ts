import { MigrationInterface, QueryRunner } from 'typeorm';

export class Merges1764350100000 implements MigrationInterface {
  name = 'Merges1764350100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "merge" ("id" text PRIMARY KEY NOT NULL, "sessionId" text NOT NULL, "status" text NOT NULL, "progress" integer NOT NULL DEFAULT (0), "step" text, "title" text NOT NULL, "includeMenu" boolean NOT NULL DEFAULT (1), "packageIds" text NOT NULL, "outputPath" text, "sizeBytes" integer, "scormVersion" text, "outline" text, "error" text, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "finishedAt" datetime, CONSTRAINT "FK_merge_session" FOREIGN KEY ("sessionId") REFERENCES "session" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_merge_session" ON "merge" ("sessionId") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_merge_session"`);
    await queryRunner.query(`DROP TABLE "merge"`);
  }
}
