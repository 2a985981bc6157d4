import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PACKAGE_REMOVED_EVENT, type PackageRemoved } from '../packages/package-events';
import { PackageStorage } from './package-storage';

/** A removed package's zip goes with it; one left behind is swept as an orphan at the next start. */
@Injectable()
export class StoredPackageCleanup {
  private readonly logger = new Logger(StoredPackageCleanup.name);

  constructor(private readonly storage: PackageStorage) {}

  @OnEvent(PACKAGE_REMOVED_EVENT)
  async removeStoredZip(event: PackageRemoved): Promise<void> {
    try {
      await this.storage.remove(event.storagePath);
    } catch (error) {
      this.logger.warn({ msg: 'stored zip not removed', packageId: event.packageId, error: String(error) });
    }
  }
}
