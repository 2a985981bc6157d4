import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { type JobsOptions, Queue, Worker, type Processor } from 'bullmq';
import { RedisConnections } from './redis-connections';

/** A job could not be queued because Redis is unreachable. */
export class JobQueueUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the job queue (Redis) is unreachable: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Retries of a job whose processor threw (the database was down, say); the work itself retries inside. */
const JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/**
 * BullMQ queues and workers with the settings every job of this app shares: the key prefix, and stalled-job
 * recovery within `jobs.stalledAfterMs` (the lock lives a quarter of it and is checked as often, so a
 * dead instance's job moves to another within about half of it). Closes them all on shutdown.
 */
@Injectable()
export class JobQueueFactory implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueueFactory.name);
  private readonly queues: Queue[] = [];
  private readonly workers: Worker[] = [];

  constructor(private readonly connections: RedisConnections) {}

  get enabled(): boolean {
    return this.connections.enabled;
  }

  /** Whether Redis answers now: a request that would queue a job asks first, for a clear error. */
  async reachable(): Promise<boolean> {
    return (await this.connections.problem()) === null;
  }

  /** Producers fail at once while Redis is down (no offline queue), so a request gets a clear error. */
  createQueue(name: string, onReady?: (queue: Queue) => void): Queue {
    const settings = this.requireSettings();
    const connection = this.connections.connect(`${name}-queue`, { enableOfflineQueue: false });
    const queue = new Queue(name, {
      connection,
      prefix: settings.keyPrefix,
      defaultJobOptions: JOB_OPTIONS,
    });
    queue.on('error', (error) =>
      this.logger.debug({ msg: 'job queue error', queue: name, error: error.message }),
    );
    // Also after every reconnect: a Redis that restarted empty has lost the queue's settings.
    if (onReady) connection.on('ready', () => onReady(queue));
    this.queues.push(queue);
    return queue;
  }

  createWorker<T>(name: string, processor: Processor<T>, concurrency: number): Worker<T> {
    const settings = this.requireSettings();
    const lockDuration = Math.max(500, Math.floor(settings.stalledAfterMs / 4));
    const worker = new Worker<T>(name, processor, {
      // Workers wait through an outage (no request limit) and carry on when Redis is back.
      connection: this.connections.connect(`${name}-worker`, { maxRetriesPerRequest: null }),
      prefix: settings.keyPrefix,
      concurrency,
      lockDuration,
      stalledInterval: lockDuration,
      // At least once: a job is run again however many instances died under it.
      maxStalledCount: 1000,
    });
    worker.on('error', (error) =>
      this.logger.debug({ msg: 'job worker error', queue: name, error: error.message }),
    );
    worker.on('failed', (job, error) =>
      this.logger.warn({ msg: 'job attempt failed', queue: name, jobId: job?.id, error: error.message }),
    );
    this.workers.push(worker);
    return worker;
  }

  /** Adds a job, or throws JobQueueUnavailableError; a job with the same id already queued is left as it is. */
  async add(queue: Queue, jobs: Array<{ jobId: string; data: unknown }>): Promise<void> {
    try {
      await queue.addBulk(jobs.map(({ jobId, data }) => ({ name: queue.name, data, opts: { jobId } })));
    } catch (error) {
      throw new JobQueueUnavailableError(error);
    }
  }

  /** Workers first (each finishes or hands back its jobs), then queues; connections quit after that. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.splice(0).map((worker) => worker.close()));
    await Promise.allSettled(this.queues.splice(0).map((queue) => queue.close()));
  }

  private requireSettings() {
    const settings = this.connections.settings;
    if (!settings) throw new Error('Jobs need Redis (REDIS_URL is unset)');
    return settings;
  }
}
