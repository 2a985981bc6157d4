import { Controller, Get, Res } from '@nestjs/common';
import { RedisConnections, StorageSpace } from '@scorm-merge/packages';
import type { Response } from 'express';
import { DatabaseWriteProbe } from './database-write-probe';

const MIB = 1024 * 1024;

export interface HealthReport {
  status: 'ok' | 'degraded';
  /** "ok", or why the database cannot write. */
  database: string;
  /** "ok", or how far free space is below storage.minFreeBytes. */
  storage: string;
  /** With REDIS_URL only: "ok", or why Redis cannot be reached (events, jobs and shared counters stop). */
  redis?: string;
  freeBytes: number | null;
  uptimeSeconds: number;
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseWriteProbe,
    private readonly space: StorageSpace,
    private readonly redis: RedisConnections,
  ) {}

  /**
   * 200 when the database can write, free space is above the floor and (with REDIS_URL) Redis answers;
   * 503 "degraded" with the reasons.
   */
  @Get()
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const databaseProblem = await this.database.problem();
    let storage = 'ok';
    let freeBytes: number | null = null;
    try {
      const state = await this.space.state();
      freeBytes = state.freeBytes;
      if (state.low) {
        storage = `${Math.floor(state.freeBytes / MIB)} MB free, below the ${Math.floor(state.minFreeBytes / MIB)} MB floor (storage.minFreeBytes): uploads and merges are refused`;
      }
    } catch (error) {
      storage = `free space unknown: ${(error as NodeJS.ErrnoException).code ?? 'statfs failed'}`;
    }
    const redisProblem = await this.redis.problem();
    const degraded = databaseProblem !== null || storage !== 'ok' || redisProblem !== null;
    if (degraded) response.status(503);
    return {
      status: degraded ? 'degraded' : 'ok',
      database: databaseProblem ?? 'ok',
      storage,
      ...(this.redis.enabled ? { redis: redisProblem ?? 'ok' } : {}),
      freeBytes,
      uptimeSeconds: Math.round(process.uptime()),
    };
  }
}
