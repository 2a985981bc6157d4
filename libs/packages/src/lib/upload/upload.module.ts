import { Module } from '@nestjs/common';
import { PackagesModule } from '../packages/packages.module';
import { SessionsModule } from '../sessions/sessions.module';
import { StorageModule } from '../storage/storage.module';
import { PackageInspection } from './package-inspection';
import { PackageStorage } from './package-storage';
import { StoredPackageCleanup } from './stored-package-cleanup.listener';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

/** REST upload: streams zips to storage, inspects them (on a worker thread) and records them as packages. */
@Module({
  imports: [SessionsModule, PackagesModule, StorageModule],
  controllers: [UploadController],
  providers: [UploadService, PackageStorage, PackageInspection, StoredPackageCleanup],
  exports: [PackageStorage],
})
export class UploadModule {}
