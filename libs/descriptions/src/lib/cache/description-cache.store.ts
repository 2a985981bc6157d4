import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type SqlDatabase, type SqlExecutor, sqlDatabaseFor } from '@scorm-merge/packages';
import { DataSource } from 'typeorm';
import type { CacheKey, DescriptionCacheReader } from '../runner/description-generator';

/** AI descriptions by package content hash + model + prompt version, shared by every session. */
@Injectable()
export class DescriptionCacheStore implements DescriptionCacheReader {
  private readonly db: SqlDatabase;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.db = sqlDatabaseFor(dataSource);
  }

  async find(key: CacheKey): Promise<string | null> {
    const row = await this.db.get<{ description: string }>(
      `SELECT "description" FROM "description_cache" WHERE "contentHash" = ? AND "model" = ? AND "promptVersion" = ?`,
      key.contentHash,
      key.model,
      key.promptVersion,
    );
    return row?.description ?? null;
  }

  /** Pass the caller's transaction as `sql` to save it there (the runner's commit). */
  async save(key: CacheKey, description: string, sql: SqlExecutor = this.db): Promise<void> {
    await sql.run(
      `INSERT INTO "description_cache" ("contentHash", "model", "promptVersion", "description", "createdAt") VALUES (?, ?, ?, ?, ?)
       ON CONFLICT ("contentHash", "model", "promptVersion") DO UPDATE SET "description" = excluded."description", "createdAt" = excluded."createdAt"`,
      key.contentHash,
      key.model,
      key.promptVersion,
      description,
      this.db.timestamp(new Date()),
    );
  }
}
