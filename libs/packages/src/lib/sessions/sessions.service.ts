import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { SessionEntity } from './session.entity';
import { SqliteConnection } from '../persistence/sqlite-connection';

/** 16 random bytes = 128 bits, written as 22 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

@Injectable()
export class SessionsService {
  private readonly sqlite: SqliteConnection;

  constructor(
    @InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.sqlite = new SqliteConnection(dataSource);
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
  exists(id: string): boolean {
    return SESSION_ID.test(id) && this.sqlite.get('SELECT 1 FROM "session" WHERE "id" = ?', id) !== undefined;
  }

  async require(id: string): Promise<SessionEntity> {
    const session = await this.find(id);
    if (!session) throw new NotFoundException(`Session ${id} not found`);
    return session;
  }

  async touch(id: string): Promise<void> {
    await this.sessions.update({ id }, { updatedAt: new Date() });
  }
}
