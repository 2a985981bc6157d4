import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { type InspectPackageOptions, inspectPackage, type PackageFacts } from '@scorm-merge/scorm';
import { InspectionWorker } from '@scorm-merge/scorm';

/** Inspects uploaded zips on the inspection worker when the build has one, else on the event loop. */
@Injectable()
export class PackageInspection implements OnModuleInit, OnModuleDestroy {
  private readonly worker: InspectionWorker | null;

  constructor(@Inject(PACKAGES_OPTIONS) options: PackagesOptions) {
    this.worker = options.inspectionWorkerScript
      ? new InspectionWorker(options.inspectionWorkerScript)
      : null;
  }

  onModuleInit(): void {
    new Logger(PackageInspection.name).log({
      msg: this.worker
        ? 'packages are inspected on a worker thread'
        : 'packages are inspected on the event loop',
    });
  }

  inspect(zipPath: string, options: InspectPackageOptions): Promise<PackageFacts> {
    return this.worker ? this.worker.inspect(zipPath, options) : inspectPackage(zipPath, options);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
