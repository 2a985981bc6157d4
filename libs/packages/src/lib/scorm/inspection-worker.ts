import { type MessagePort, Worker } from 'node:worker_threads';
import { PackageError } from './package-error';
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
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 };

/**
 * Inspects packages on a worker thread running `script` (which calls serveInspections), so parsing
 * manifests and launch pages stays off the event loop that receives uploads: in the server it took
 * 0.6 ms of that loop per package. One worker serves every request, in order. If it dies, the requests
 * it held fail with a plain Error and the next request starts a new one.
 */
export class InspectionWorker {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { worker: Worker; resolve: (facts: PackageFacts) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly script: string) {}

  inspect(zipPath: string, options: InspectPackageOptions): Promise<PackageFacts> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.ref();
      worker.postMessage({ id, zipPath, options } satisfies InspectionRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = new Worker(this.script, { resourceLimits: WORKER_LIMITS });
    worker.on('message', (reply: InspectionReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      // An idle worker must not keep the process alive.
      if (![...this.pending.values()].some((other) => other.worker === worker)) worker.unref();
      if ('facts' in reply) waiting.resolve(reply.facts);
      else if (reply.error.packageError) waiting.reject(new PackageError(reply.error.message));
      else waiting.reject(new Error(reply.error.message));
    });
    worker.on('error', (error) => this.stopped(worker, error));
    worker.on('exit', (code) => this.stopped(worker, new Error(`the inspection worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Fails what `worker` held; requests already sent to its successor are not its own. */
  private stopped(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = null;
    for (const [id, waiting] of this.pending) {
      if (waiting.worker !== worker) continue;
      this.pending.delete(id);
      waiting.reject(error);
    }
  }
}
