import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { JobQueueFactory, PUB_SUB } from '@scorm-merge/packages';
import { DelayedError, type Job, type Queue, type Worker } from 'bullmq';
import type { PubSubEngine } from 'graphql-subscriptions';
import { DESCRIPTIONS_OPTIONS, type DescriptionsOptions } from '../descriptions-options';
import type { DescriptionTaskEntity } from '../persistence';
import { DescriptionRunner, type TaskCounts } from '../runner/description-runner.service';
import { TaskStoppedError } from '../runner/task-stopped';

/** The BullMQ queue of description items in Redis mode: one job per package of a task. */
export const DESCRIPTION_ITEM_QUEUE = 'description-items';
/** PubSub channel on which a cancel reaches every instance. */
export const DESCRIPTION_CANCEL_CHANNEL = 'descriptions.cancel';

interface DescriptionItemJob {
  taskId: string;
  packageId: string;
}

interface TaskAbort {
  controller: AbortController;
  jobs: number;
}

/**
 * Redis mode: a task's items are BullMQ jobs that any instance may run (at least once, stalled jobs
 * recovered within `jobs.stalledAfterMs`), and the queue's global concurrency bounds the items in work,
 * hence AI requests in flight, to `descriptions.concurrency` across every instance together. A cancel is
 * published to every instance, which aborts that task's requests in flight.
 */
@Injectable()
export class DescriptionItemJobs implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(DescriptionItemJobs.name);
  private queue: Queue | null = null;
  private worker: Worker<DescriptionItemJob> | null = null;
  /** Abort controllers of the tasks this instance is working on, shared by their jobs here. */
  private readonly aborts = new Map<string, TaskAbort>();
  private stopping = false;

  constructor(
    private readonly jobs: JobQueueFactory,
    private readonly runner: DescriptionRunner,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    @Inject(DESCRIPTIONS_OPTIONS) private readonly options: DescriptionsOptions,
  ) {}

  get enabled(): boolean {
    return this.jobs.enabled;
  }

  reachable(): Promise<boolean> {
    return this.jobs.reachable();
  }

  async onModuleInit(): Promise<void> {
    if (!this.jobs.enabled) return;
    const concurrency = this.options.descriptions.concurrency;
    this.queue = this.jobs.createQueue(DESCRIPTION_ITEM_QUEUE, (queue) => {
      queue
        .setGlobalConcurrency(concurrency)
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'global concurrency not set', error: String(error) }),
        );
    });
    await this.pubSub.subscribe(
      DESCRIPTION_CANCEL_CHANNEL,
      ({ taskId }: { taskId: string }) => this.abortHere(taskId, 'cancelled'),
      {},
    );
    this.worker = this.jobs.createWorker<DescriptionItemJob>(
      DESCRIPTION_ITEM_QUEUE,
      (job, token) => this.process(job, token),
      concurrency,
    );
  }

  /** Starts a QUEUED task: RUNNING and STARTED, then one job per item left. Throws when Redis is unreachable. */
  async start(task: DescriptionTaskEntity, resumed = false): Promise<void> {
    const counts: TaskCounts = { total: task.total, completed: task.completed, failed: task.failed };
    const items = await this.runner.begin(task, counts, resumed);
    if (items)
      await this.queueItems(
        task,
        items.map((item) => item.packageId),
      );
  }

  /**
   * Queues a RUNNING task's open items again (after a restart, or a lost queue). An item whose job is
   * still waiting or running somewhere keeps it: a job id is added once.
   */
  async requeue(task: DescriptionTaskEntity, packageIds: string[]): Promise<void> {
    await this.queueItems(task, packageIds);
  }

  /** Tells every instance, this one included, to abort the task's work; the task is already CANCELLED. */
  async cancel(taskId: string): Promise<void> {
    this.abortHere(taskId, 'cancelled');
    await this.pubSub.publish(DESCRIPTION_CANCEL_CHANNEL, { taskId });
  }

  /** Aborts this instance's requests; a job cut short by the shutdown goes back to the queue for any instance. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const taskId of this.aborts.keys()) this.abortHere(taskId, 'shutdown');
    await this.worker?.close();
  }

  private async queueItems(task: DescriptionTaskEntity, packageIds: string[]): Promise<void> {
    if (!this.queue) throw new Error('The description queue is not open');
    if (packageIds.length === 0) {
      await this.runner.completeIfDone(task);
      return;
    }
    await this.jobs.add(
      this.queue,
      packageIds.map((packageId) => ({
        jobId: `${task.id}.${packageId}`,
        data: { taskId: task.id, packageId } satisfies DescriptionItemJob,
      })),
    );
  }

  private async process(job: Job<DescriptionItemJob>, token?: string): Promise<void> {
    const { taskId, packageId } = job.data;
    const abort = this.acquire(taskId);
    try {
      await this.runner.runItem(taskId, packageId, abort.controller.signal);
    } finally {
      if (--abort.jobs === 0 && this.aborts.get(taskId) === abort) this.aborts.delete(taskId);
    }
    const reason: unknown = abort.controller.signal.reason;
    if (reason instanceof TaskStoppedError && reason.why === 'shutdown') {
      // Not done: back to the queue at once, without using up an attempt.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
  }

  private acquire(taskId: string): TaskAbort {
    let abort = this.aborts.get(taskId);
    if (!abort) {
      abort = { controller: new AbortController(), jobs: 0 };
      if (this.stopping) abort.controller.abort(new TaskStoppedError('shutdown'));
      this.aborts.set(taskId, abort);
    }
    abort.jobs++;
    return abort;
  }

  private abortHere(taskId: string, why: 'cancelled' | 'shutdown'): void {
    const abort = this.aborts.get(taskId);
    if (!abort || abort.controller.signal.aborted) return;
    this.logger.log({ msg: 'aborting description work', taskId, why });
    abort.controller.abort(new TaskStoppedError(why));
  }
}
