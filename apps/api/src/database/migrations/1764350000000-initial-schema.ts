import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764350000000 implements MigrationInterface {
  name = 'InitialSchema1764350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "session" ("id" text PRIMARY KEY NOT NULL, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), "updatedAt" datetime)`,
    );
    await queryRunner.query(
      `CREATE TABLE "package" ("id" text PRIMARY KEY NOT NULL, "sessionId" text NOT NULL, "position" integer NOT NULL, "filename" text NOT NULL, "title" text NOT NULL, "sizeBytes" integer NOT NULL, "contentHash" text, "storagePath" text, "scormVersion" text, "scoCount" integer NOT NULL DEFAULT (0), "description" text NOT NULL DEFAULT (''), "descriptionSource" text NOT NULL DEFAULT ('LOCAL'), "lomDescription" text, "contentSample" text NOT NULL DEFAULT (''), "outline" text NOT NULL, "warnings" text NOT NULL, "error" text, "createdAt" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "FK_package_session" FOREIGN KEY ("sessionId") REFERENCES "session" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_package_session_position" ON "package" ("sessionId", "position") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_package_session_position"`);
    await queryRunner.query(`DROP TABLE "package"`);
    await queryRunner.query(`DROP TABLE "session"`);
  }
}
