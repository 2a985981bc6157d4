import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The description cache is now keyed by a hash of the bytes a description is made from (manifest and
 * sampled page text), not of the zip's directory. Entries and package hashes of the old kind are
 * dropped: an old key could still lead a genuine package to a description written for a forged one.
 */
export class ContentKeyedDescriptionCache1764350300000 implements MigrationInterface {
  name = 'ContentKeyedDescriptionCache1764350300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "description_cache"`);
    // Packages stored before keep working; they are described without the cache.
    await queryRunner.query(`UPDATE "package" SET "contentHash" = NULL`);
  }

  async down(): Promise<void> {
    // Nothing to restore: the old entries are gone, and an empty cache is valid under either key.
  }
}
