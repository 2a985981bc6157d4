import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SqliteConnection } from '@scorm-merge/packages';
import { DataSource } from 'typeorm';
import { toSqliteDatetime } from '../persistence/sqlite-datetime';
import type { CacheKey, DescriptionCacheReader } from '../runner/description-generator';

/** AI descriptions by package content hash + model + prompt version, shared by every session. */
@Injectable()
export class DescriptionCacheStore implements DescriptionCacheReader {
  private readonly sql: SqliteConnection;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.sql = new SqliteConnection(dataSource);
  }

  find(key: CacheKey): string | null {
    const row = this.sql.get<{ description: string }>(
      `SELECT "description" FROM "description_cache" WHERE "contentHash" = ? AND "model" = ? AND "promptVersion" = ?`,
      key.contentHash,
      key.model,
      key.promptVersion,
    );
    return row?.description ?? null;
  }

  /** Synchronous, so the runner can call it inside its commit transaction. */
  save(key: CacheKey, description: string): void {
    this.sql.run(
      `INSERT OR REPLACE INTO "description_cache" ("contentHash", "model", "promptVersion", "description", "createdAt") VALUES (?, ?, ?, ?, ?)`,
      key.contentHash,
      key.model,
      key.promptVersion,
      description,
      toSqliteDatetime(new Date()),
    );
  }
}
