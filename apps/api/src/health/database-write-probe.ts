import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type SqlDatabase, sqlDatabaseFor } from '@scorm-merge/packages';
import { DataSource } from 'typeorm';
import { databaseUnavailableReason } from '../errors/database-unavailable';

/** A probe is one small committed write; monitors polling /health more often share its answer. */
const PROBE_CACHE_MS = 1500;

/**
 * Whether the database can commit a write, found by committing one: a read (SELECT 1) succeeds on a full
 * or read-only disk while every write fails.
 */
@Injectable()
export class DatabaseWriteProbe {
  private readonly db: SqlDatabase;
  private cached: { at: number; problem: Promise<string | null> } | null = null;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.db = sqlDatabaseFor(dataSource);
  }

  /** Null when a write commits, else why it does not (no raw driver text). */
  problem(): Promise<string | null> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < PROBE_CACHE_MS) return this.cached.problem;
    const problem = this.db
      .run(
        `INSERT INTO "health_probe" ("id", "checkedAt") VALUES (1, ?) ON CONFLICT ("id") DO UPDATE SET "checkedAt" = excluded."checkedAt"`,
        new Date(now).toISOString(),
      )
      .then(
        () => null,
        (error: unknown) => describeWriteFailure(error),
      );
    this.cached = { at: now, problem };
    return problem;
  }
}

function describeWriteFailure(error: unknown): string {
  const unavailable = databaseUnavailableReason(error);
  if (unavailable) return `cannot write: ${unavailable}`;
  const code = String((error as { code?: unknown })?.code ?? '');
  if (code === 'SQLITE_FULL' || code === '53100') return 'cannot write: the disk is full';
  if (code.startsWith('SQLITE_READONLY') || code === '25006')
    return 'cannot write: the database is read-only';
  if (code.startsWith('SQLITE_IOERR') || code === '58030')
    return 'cannot write: the disk reported an I/O error';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'cannot write: the database is locked';
  return `cannot write${code ? ` (${code})` : ''}`;
}
