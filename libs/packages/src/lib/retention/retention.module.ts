import { Module } from '@nestjs/common';
import { MergesModule } from '../merges/merges.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UploadModule } from '../upload/upload.module';
import { RetentionSweeper } from './retention-sweeper.service';

/** Deletes idle sessions and expires old merged zips, at boot and periodically. */
@Module({
  imports: [SessionsModule, UploadModule, MergesModule],
  providers: [RetentionSweeper],
})
export class RetentionModule {}
