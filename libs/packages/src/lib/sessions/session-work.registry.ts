import { Injectable } from '@nestjs/common';

/** Answers, synchronously, whether the module has work under way for the session. */
export type SessionWorkProbe = (sessionId: string) => boolean;

/**
 * Each module with background work per session registers here, so retention never deletes a session
 * mid-work. Work kept in memory (uploads being received) registers a synchronous probe; work kept in the
 * database (merges, description tasks) registers a SQL condition on "session"."id", which the delete
 * itself checks, so it holds across instances too.
 */
@Injectable()
export class SessionWorkRegistry {
  private readonly probes: SessionWorkProbe[] = [];
  private readonly conditions: string[] = [];

  register(probe: SessionWorkProbe): void {
    this.probes.push(probe);
  }

  /** A SQL condition, true while the session "session"."id" has work of the module under way. */
  registerCondition(condition: string): void {
    this.conditions.push(condition);
  }

  /** Whether in-memory work of the session runs in this process. */
  isBusy(sessionId: string): boolean {
    return this.probes.some((probe) => probe(sessionId));
  }

  /** The SQL conditions the delete must find false. */
  busyConditions(): readonly string[] {
    return this.conditions;
  }
}
