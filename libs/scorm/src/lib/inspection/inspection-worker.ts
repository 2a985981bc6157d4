import { type MessagePort, type ResourceLimits, Worker } from 'node:worker_threads';
import { PackageError } from '../package-error';
import type { PackageFacts } from './package-facts';
import { inspectPackage, type InspectPackageOptions } from './package-inspector';

interface InspectionRequest {
  id: number;
  zipPath: string;
  options: InspectPackageOptions;
}

type InspectionReply =
  { id: number; facts: PackageFacts } | { id: number; error: { message: string; packageError: boolean } };

/** The worker's side: inspects each requested zip and answers with its facts or its error's message. */
export function serveInspections(port: MessagePort): void {
  port.on('message', (request: InspectionRequest) => {
    inspectPackage(request.zipPath, request.options).then(
      (facts) => port.postMessage({ id: request.id, facts } satisfies InspectionReply),
      (error: unknown) =>
        port.postMessage({
          id: request.id,
          error: {
            message: error instanceof Error ? error.message : String(error),
            packageError: error instanceof PackageError,
          },
        } satisfies InspectionReply),
    );
  });
}

/** Bounds for the worker: a hostile package can cost the worker, never the server. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 32 };

interface Job {
  zipPath: string;
  options: InspectPackageOptions;
  resolve: (facts: PackageFacts) => void;
  reject: (error: Error) => void;
}

/**
 * Inspects packages on a worker thread running `script` (which calls serveInspections), so parsing
 * manifests and launch pages stays off the event loop that receives uploads: in the server it took
 * 0.6 ms of that loop per package, and a huge manifest would hold it up for longer.
 *
 * The worker takes one package at a time, so when it dies the package that killed it is known: it
 * fails (as a PackageError when the worker ran out of memory), and the packages still queued go to a
 * new worker.
 */
export class InspectionWorker {
  private worker: Worker | null = null;
  private current: Job | null = null;
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(
    private readonly script: string,
    private readonly limits: ResourceLimits = WORKER_LIMITS,
  ) {}

  inspect(zipPath: string, options: InspectPackageOptions): Promise<PackageFacts> {
    if (this.closed) return Promise.reject(new Error('the inspection worker is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ zipPath, options, resolve, reject });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    for (const job of this.queue.splice(0)) job.reject(new Error('the inspection worker is closed'));
  }

  private next(): void {
    if (this.current || this.queue.length === 0 || this.closed) {
      // An idle worker must not keep the process alive.
      if (!this.current) this.worker?.unref();
      return;
    }
    const worker = this.worker ?? this.start();
    const job = this.queue.shift() as Job;
    this.current = job;
    worker.ref();
    worker.postMessage({ id: 0, zipPath: job.zipPath, options: job.options } satisfies InspectionRequest);
  }

  private start(): Worker {
    const worker = new Worker(this.script, { resourceLimits: this.limits });
    worker.on('message', (reply: InspectionReply) => {
      const job = this.current;
      if (!job || worker !== this.worker) return;
      this.current = null;
      if ('facts' in reply) job.resolve(reply.facts);
      else if (reply.error.packageError) job.reject(new PackageError(reply.error.message));
      else job.reject(new Error(reply.error.message));
      this.next();
    });
    worker.on('error', (error) => this.stopped(worker, error));
    worker.on('exit', (code) => this.stopped(worker, new Error(`the inspection worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  /** The package being read when the worker died fails; the queue moves on to a new worker. */
  private stopped(worker: Worker, error: Error): void {
    if (worker !== this.worker) return;
    this.worker = null;
    const job = this.current;
    this.current = null;
    if (job) {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      job.reject(
        outOfMemory
          ? new PackageError(
              'Reading this package needed more memory than the server allows for one package; it may be damaged or hostile.',
            )
          : error,
      );
    }
    this.next();
  }
}
