import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PackagesModule } from '../packages/packages.module';
import { SessionsModule } from '../sessions/sessions.module';
import { StorageModule } from '../storage/storage.module';
import { UploadModule } from '../upload/upload.module';
import { MergeDownloadController } from './merge-download.controller';
import { MergeEntity } from './merge.entity';
import { MergeProgressListener } from './merge-progress.listener';
import { MergeRunner } from './merge-runner.service';
import { MergeStorage } from './merge-storage';
import { MergesResolver } from './merges.resolver';
import { MergesService } from './merges.service';

/** startMerge, its background run and live progress, the download of the merged zip, and its expiry. */
@Module({
  imports: [
    TypeOrmModule.forFeature([MergeEntity]),
    SessionsModule,
    PackagesModule,
    UploadModule,
    StorageModule,
  ],
  controllers: [MergeDownloadController],
  providers: [MergeStorage, MergeRunner, MergesService, MergesResolver, MergeProgressListener],
  exports: [MergesService, MergeStorage],
})
export class MergesModule {}
