import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PACKAGES_OPTIONS, type PackagesOptions } from './packages-options';
import { PackagesResolver } from './packages/packages.resolver';
import { PackagesService } from './packages/packages.service';
import { MergeDownloadController } from './merges/merge-download.controller';
import { MergeProgressListener } from './merges/merge-progress.listener';
import { MergeRunner } from './merges/merge-runner.service';
import { MergeStorage } from './merges/merge-storage';
import { MergesResolver } from './merges/merges.resolver';
import { MergesService } from './merges/merges.service';
import { MergeEntity, PackageEntity, SessionEntity } from './persistence';
import { SessionsResolver } from './sessions/sessions.resolver';
import { SessionsService } from './sessions/sessions.service';
import { PackageInspection } from './upload/package-inspection';
import { PackageStorage } from './upload/package-storage';
import { UploadController } from './upload/upload.controller';
import { UploadService } from './upload/upload.service';

export const PACKAGES_RESOLVERS = [SessionsResolver, PackagesResolver, MergesResolver];

/** Sessions, package upload, the package list and merges. */
@Module({})
export class PackagesModule {
  static forRoot(options: PackagesOptions): DynamicModule {
    return {
      module: PackagesModule,
      imports: [TypeOrmModule.forFeature([SessionEntity, PackageEntity, MergeEntity])],
      controllers: [UploadController, MergeDownloadController],
      providers: [
        { provide: PACKAGES_OPTIONS, useValue: options },
        PackageStorage,
        PackageInspection,
        SessionsService,
        PackagesService,
        UploadService,
        MergeStorage,
        MergeRunner,
        MergesService,
        MergeProgressListener,
        ...PACKAGES_RESOLVERS,
      ],
      exports: [SessionsService, PackagesService, PackageStorage, PACKAGES_OPTIONS],
    };
  }
}
