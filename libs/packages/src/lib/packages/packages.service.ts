import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { type DescriptionSourceValue, PackageEntity } from './package.entity';
import { PACKAGE_REMOVED_EVENT, type PackageRemoved } from './package-events';
import { type SqlDatabase, type SqlExecutor, sqlDatabaseFor } from '../persistence/sql-database';
import { SessionsService } from '../sessions/sessions.service';

/** What insertWithinSessionLimits did with a package. */
export type SessionLimitedInsert = 'inserted' | 'too-many-packages' | 'session-full';

/** The session limits an upload's insert is checked against (upload.maxPackagesPerSession, maxSessionBytes). */
export interface SessionLimits {
  maxPackages: number;
  maxBytes: number;
}

/**
 * First key of the advisory locks that make uploads to one session check their limits one at a time
 * (the second is the session id's hash); two-key locks never meet the migration's one-key lock.
 */
const UPLOAD_LOCK_SPACE = 5_721_022;

/** Owns the package rows: other modules read and write them only through this service. */
@Injectable()
export class PackagesService {
  constructor(
    @InjectRepository(PackageEntity) private readonly packages: Repository<PackageEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly events: EventEmitter2,
  ) {
    this.db = sqlDatabaseFor(dataSource);
  }

  private readonly db: SqlDatabase;

  listForSession(sessionId: string): Promise<PackageEntity[]> {
    return this.packages.find({ where: { sessionId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }

  findById(packageId: string): Promise<PackageEntity | null> {
    return this.packages.findOneBy({ id: packageId });
  }

  /** The packages with these ids that still exist, in no particular order. */
  findByIds(packageIds: string[]): Promise<PackageEntity[]> {
    return packageIds.length === 0 ? Promise.resolve([]) : this.packages.findBy({ id: In(packageIds) });
  }

  async requireInSession(sessionId: string, packageId: string): Promise<PackageEntity> {
    await this.sessions.require(sessionId);
    const pkg = await this.packages.findOneBy({ id: packageId, sessionId });
    if (!pkg) throw new NotFoundException(`Package ${packageId} not found in session ${sessionId}`);
    return pkg;
  }

  async countAndMaxPosition(sessionId: string): Promise<{ count: number; maxPosition: number }> {
    const row = await this.db.get<{ count: number; maxPosition: number }>(
      `SELECT CAST(COUNT(*) AS INTEGER) AS "count", COALESCE(MAX("position"), -1) AS "maxPosition" FROM "package" WHERE "sessionId" = ?`,
      sessionId,
    );
    return { count: row?.count ?? 0, maxPosition: row?.maxPosition ?? -1 };
  }

  /**
   * Whether positions have gaps: slots that went unused, or packages removed while an upload ran. Positions
   * are never given twice, so n packages are in order exactly when the highest position is n - 1.
   */
  async hasPositionGaps(sessionId: string): Promise<boolean> {
    const { count, maxPosition } = await this.countAndMaxPosition(sessionId);
    return maxPosition !== count - 1;
  }

  /** Bytes of the session's stored zips (rejected packages keep no file); the session quota counts these. */
  async storedBytes(sessionId: string): Promise<number> {
    // PostgreSQL sums a bigint column as numeric, which pg returns as a string.
    const row = await this.db.get<{ bytes: number | string }>(
      `SELECT COALESCE(SUM("sizeBytes"), 0) AS "bytes" FROM "package" WHERE "sessionId" = ? AND "storagePath" IS NOT NULL`,
      sessionId,
    );
    return Number(row?.bytes ?? 0);
  }

  /** Every stored zip, as the storage paths the package rows name. */
  async storedPaths(): Promise<Set<string>> {
    const rows = await this.db.all<{ storagePath: string }>(
      `SELECT "storagePath" FROM "package" WHERE "storagePath" IS NOT NULL`,
    );
    return new Set(rows.map((row) => row.storagePath));
  }

  /** Records a new package; runs for every upload, so it skips TypeORM's query builder. */
  insert(entity: PackageEntity): Promise<void> {
    return this.db.insert(PackageEntity, entity);
  }

  /**
   * Records an uploaded package unless its session already holds `maxPackages` packages or, for a stored
   * zip, the zip would take the session's stored bytes past `maxBytes`. Count, sum and insert are one
   * transaction. On PostgreSQL it first takes an advisory lock keyed on the session, held until commit:
   * uploads to one session on different instances check and insert one after the other, each seeing the
   * rows the ones before it committed. SQLite has one process, and its transactions run one at a time.
   */
  insertWithinSessionLimits(entity: PackageEntity, limits: SessionLimits): Promise<SessionLimitedInsert> {
    return this.db.transaction(async (tx) => {
      if (this.db.dialect === 'postgres') {
        await tx.get(`SELECT pg_advisory_xact_lock(${UPLOAD_LOCK_SPACE}, hashtext(?))`, entity.sessionId);
      }
      // PostgreSQL sums a bigint column as numeric, which pg returns as a string.
      const row = await tx.get<{ count: number; bytes: number | string }>(
        `SELECT CAST(COUNT(*) AS INTEGER) AS "count", COALESCE(SUM(CASE WHEN "storagePath" IS NOT NULL THEN "sizeBytes" ELSE 0 END), 0) AS "bytes" FROM "package" WHERE "sessionId" = ?`,
        entity.sessionId,
      );
      if ((row?.count ?? 0) >= limits.maxPackages) return 'too-many-packages';
      if (entity.storagePath && Number(row?.bytes ?? 0) + entity.sizeBytes > limits.maxBytes) {
        return 'session-full';
      }
      await tx.insert(PackageEntity, entity);
      return 'inserted';
    });
  }

  /**
   * Where the package's description came from; null when the package is gone. Pass the caller's
   * transaction as `sql` to read it there; on PostgreSQL the row stays locked until that transaction ends.
   */
  async descriptionSourceOf(
    packageId: string,
    sql: SqlExecutor = this.db,
  ): Promise<DescriptionSourceValue | null> {
    const lock = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await sql.get<{ descriptionSource: DescriptionSourceValue }>(
      `SELECT "descriptionSource" FROM "package" WHERE "id" = ?${lock}`,
      packageId,
    );
    return row?.descriptionSource ?? null;
  }

  /** Saves a package's description; pass the caller's transaction as `sql` to write it there. */
  async writeDescription(
    packageId: string,
    description: string,
    source: DescriptionSourceValue,
    sql: SqlExecutor = this.db,
  ): Promise<void> {
    await sql.run(
      `UPDATE "package" SET "description" = ?, "descriptionSource" = ? WHERE "id" = ?`,
      description,
      source,
      packageId,
    );
  }

  /**
   * Puts the listed packages first, in the given order; unlisted ones keep their relative order after them.
   * Every id must belong to the session, once.
   */
  async reorder(sessionId: string, packageIds: string[]): Promise<void> {
    await this.sessions.require(sessionId);
    if (new Set(packageIds).size !== packageIds.length) {
      throw new BadRequestException('packageIds lists a package more than once');
    }
    const current = await this.orderOf(sessionId);
    const byId = new Map(current.map((p) => [p.id, p]));
    const unknown = packageIds.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      throw new BadRequestException(`Not packages of session ${sessionId}: ${unknown.join(', ')}`);
    }
    const listed = new Set(packageIds);
    const ordered = [
      ...packageIds.map((id) => byId.get(id) as Pick<PackageEntity, 'id' | 'position'>),
      ...current.filter((p) => !listed.has(p.id)),
    ];
    await this.writePositions(ordered);
    await this.sessions.touch(sessionId);
  }

  async remove(sessionId: string, packageId: string): Promise<void> {
    const pkg = await this.requireInSession(sessionId, packageId);
    await this.packages.delete({ id: pkg.id });
    const removed: PackageRemoved = { sessionId, packageId: pkg.id, storagePath: pkg.storagePath };
    await this.events.emitAsync(PACKAGE_REMOVED_EVENT, removed);
    await this.compactPositions(sessionId);
    await this.sessions.touch(sessionId);
  }

  /**
   * Renumbers positions 0..n-1 in their current order, in one statement (every upload calls this, so it
   * must not load the session's rows). Returns how many packages moved.
   */
  async compactPositions(sessionId: string): Promise<number> {
    return this.db.run(
      `UPDATE "package" SET "position" = ranked."rank"
       FROM (SELECT "id", ROW_NUMBER() OVER (ORDER BY "position", "createdAt", "id") - 1 AS "rank"
             FROM "package" WHERE "sessionId" = ?) AS ranked
       WHERE "package"."id" = ranked."id" AND "package"."position" <> ranked."rank"`,
      sessionId,
    );
  }

  /** Just the ids and positions, in order. */
  private orderOf(sessionId: string): Promise<Array<Pick<PackageEntity, 'id' | 'position'>>> {
    return this.packages.find({
      select: { id: true, position: true },
      where: { sessionId },
      order: { position: 'ASC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** One transaction: no other request's statement can slip in between the rows. */
  private async writePositions(ordered: Array<Pick<PackageEntity, 'id' | 'position'>>): Promise<void> {
    const changed = ordered
      .map((pkg, position) => ({ pkg, position }))
      .filter(({ pkg, position }) => pkg.position !== position);
    if (changed.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const { pkg, position } of changed) {
        await tx.run('UPDATE "package" SET "position" = ? WHERE "id" = ?', position, pkg.id);
      }
    });
    for (const { pkg, position } of changed) pkg.position = position;
  }
}
