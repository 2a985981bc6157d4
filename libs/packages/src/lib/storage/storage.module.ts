import { Module } from '@nestjs/common';
import { StorageSpace } from './storage-space';

/** Free space on DATA_DIR: the floor that uploads and merges respect, and what /health reports. */
@Module({
  providers: [StorageSpace],
  exports: [StorageSpace],
})
export class StorageModule {}
