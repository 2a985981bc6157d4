import { Injectable } from '@nestjs/common';

/** Answers, synchronously, whether the module has work under way for the session. */
export type SessionWorkProbe = (sessionId: string) => boolean;

/**
 * Each module with background work per session (uploads, merges, description tasks) registers a probe
 * here, so retention never deletes a session mid-work. Probes are synchronous: the check and the delete
 * run in one tick, with no request in between.
 */
@Injectable()
export class SessionWorkRegistry {
  private readonly probes: SessionWorkProbe[] = [];

  register(probe: SessionWorkProbe): void {
    this.probes.push(probe);
  }

  isBusy(sessionId: string): boolean {
    return this.probes.some((probe) => probe(sessionId));
  }
}
