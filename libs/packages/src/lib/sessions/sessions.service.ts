import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { SessionEntity } from './session.entity';
import { type SqlDatabase, sqlDatabaseFor } from '../persistence/sql-database';
import { daysToMs } from '../persistence/sqlite-datetime';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';

/** 16 random bytes = 128 bits, written as 22 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

@Injectable()
export class SessionsService {
  private readonly db: SqlDatabase;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectDataSource() dataSource: DataSource,
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
  ) {
    this.db = sqlDatabaseFor(dataSource);
  }

  async create(): Promise<SessionEntity> {
    const session = this.sessions.create({
      id: randomBytes(16).toString('base64url'),
      createdAt: new Date(),
      updatedAt: null,
    });
    // A plain INSERT: TypeORM's save() would wrap it in a transaction other requests' writes could join.
    await this.sessions.insert(session);
    return session;
  }

  /** Null for unknown and malformed ids alike, so ids cannot be probed for shape. */
  async find(id: string): Promise<SessionEntity | null> {
    if (!SESSION_ID.test(id)) return null;
    return this.sessions.findOneBy({ id });
  }

  /** Like find, without loading the row: every upload request checks its session. */
  async exists(id: string): Promise<boolean> {
    return (
      SESSION_ID.test(id) && (await this.db.get('SELECT 1 FROM "session" WHERE "id" = ?', id)) !== undefined
    );
  }

  async require(id: string): Promise<SessionEntity> {
    const session = await this.find(id);
    if (!session) throw new NotFoundException(`Session ${id} not found`);
    return session;
  }

  /** Records a write to the session: its idle time, and so its retention, starts again from now. */
  async touch(id: string): Promise<void> {
    await this.db.run(
      'UPDATE "session" SET "updatedAt" = ? WHERE "id" = ?',
      this.db.timestamp(new Date()),
      id,
    );
  }

  /** When an untouched session is deleted: its last write (else its creation) + retention.sessionIdleDays. */
  expiresAt(session: Pick<SessionEntity, 'createdAt' | 'updatedAt'>): Date {
    const lastActivity = session.updatedAt ?? session.createdAt;
    return new Date(lastActivity.getTime() + daysToMs(this.options.retention.sessionIdleDays));
  }

  /** Up to `limit` ids of sessions with no write since `cutoff`, after `afterId` in id order (a cursor). */
  async idleSince(cutoff: Date, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(
      `SELECT "id" FROM "session" WHERE "id" > ? AND COALESCE("updatedAt", "createdAt") < ? ORDER BY "id" LIMIT ?`,
      afterId,
      this.db.timestamp(cutoff),
      limit,
    );
    return rows.map((row) => row.id);
  }

  /**
   * Deletes the session with every row that hangs from it (packages, merges, description tasks: foreign
   * keys cascade), unless it was written to since `cutoff` or a `busyWhen` condition holds (SQL about
   * "session"."id", see SessionWorkRegistry): check and delete are one statement, so no task or merge
   * another request (or instance) starts can slip in between. True when deleted; the files are the
   * caller's to remove.
   */
  async deleteIfIdleSince(id: string, cutoff: Date, busyWhen: readonly string[] = []): Promise<boolean> {
    const notBusy = busyWhen.map((condition) => ` AND NOT (${condition})`).join('');
    const deleted = await this.db.run(
      `DELETE FROM "session" WHERE "id" = ? AND COALESCE("updatedAt", "createdAt") < ?${notBusy}`,
      id,
      this.db.timestamp(cutoff),
    );
    return deleted > 0;
  }
}
