import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MergesService } from '../merges/merges.service';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { daysToMs } from '../persistence/sqlite-datetime';
import { SessionWorkRegistry } from '../sessions/session-work.registry';
import { SessionsService } from '../sessions/sessions.service';
import { PackageStorage } from '../upload/package-storage';

export interface SweepResult {
  expiredMerges: number;
  deletedSessions: number;
  /** Idle sessions left alone because work of theirs was running. */
  busySessions: number;
}

/**
 * Deletes idle sessions (with every row and file) and expires old merged zips: at boot, then every
 * retention.sweepIntervalMinutes. Works in batches of retention.sweepBatchSize and lets requests run
 * between batches, so a large backlog never holds the server up.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;
  private stopping = false;

  constructor(
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
    private readonly sessions: SessionsService,
    private readonly merges: MergesService,
    private readonly packageStorage: PackageStorage,
    private readonly work: SessionWorkRegistry,
  ) {}

  onApplicationBootstrap(): void {
    // After every bootstrap hook: tasks and merges resumed at boot count as running work by then.
    setImmediate(() => void this.sweepInBackground('boot'));
    const intervalMs = this.options.retention.sweepIntervalMinutes * 60 * 1000;
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.sweepInBackground('interval'), intervalMs);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One full sweep; a sweep already running is joined rather than doubled. */
  sweep(): Promise<SweepResult> {
    this.running ??= this.sweepAll().finally(() => (this.running = null));
    return this.running;
  }

  private async sweepInBackground(trigger: 'boot' | 'interval'): Promise<void> {
    if (this.stopping) return;
    const started = Date.now();
    try {
      const result = await this.sweep();
      if (result.expiredMerges + result.deletedSessions + result.busySessions > 0 || trigger === 'boot') {
        this.logger.log({ msg: 'retention sweep', trigger, ...result, ms: Date.now() - started });
      }
    } catch (error) {
      this.logger.error({ msg: 'retention sweep failed', trigger, error: String(error) });
    }
  }

  private async sweepAll(): Promise<SweepResult> {
    const { mergeDays, sessionIdleDays, sweepBatchSize } = this.options.retention;
    const batch = Math.max(1, Math.floor(sweepBatchSize));
    const result: SweepResult = { expiredMerges: 0, deletedSessions: 0, busySessions: 0 };

    const mergeCutoff = new Date(Date.now() - daysToMs(mergeDays));
    while (!this.stopping) {
      const expired = await this.merges.expireFinishedBefore(mergeCutoff, batch);
      result.expiredMerges += expired;
      if (expired < batch) break;
      await nextTurn();
    }

    const sessionCutoff = new Date(Date.now() - daysToMs(sessionIdleDays));
    // A cursor over ids: sessions skipped as busy are not met again in this sweep.
    let after = '';
    while (!this.stopping) {
      const ids = await this.sessions.idleSince(sessionCutoff, after, batch);
      if (ids.length === 0) break;
      after = ids[ids.length - 1];
      const deleted: string[] = [];
      for (const id of ids) {
        // Uploads are checked in memory; merges and description tasks by the delete statement itself.
        if (this.work.isBusy(id)) result.busySessions += 1;
        else if (await this.sessions.deleteIfIdleSince(id, sessionCutoff, this.work.busyConditions())) {
          deleted.push(id);
        } else if (await this.sessions.exists(id)) result.busySessions += 1;
      }
      await Promise.all(deleted.map((id) => this.removeFiles(id)));
      result.deletedSessions += deleted.length;
      if (ids.length < batch) break;
      await nextTurn();
    }
    return result;
  }

  private async removeFiles(sessionId: string): Promise<void> {
    try {
      await Promise.all([
        this.packageStorage.removeSessionFolder(sessionId),
        this.merges.removeSessionFiles(sessionId),
      ]);
    } catch (error) {
      // Left-over upload files are swept as orphans at the next start.
      this.logger.warn({ msg: 'files of a deleted session not removed', error: String(error) });
    }
  }
}
