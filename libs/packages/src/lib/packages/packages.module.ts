import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { PackageEntity } from './package.entity';
import { PackagesResolver } from './packages.resolver';
import { PackagesService } from './packages.service';
import { SessionPackagesResolver } from './session-packages.resolver';

/** The session's package list: course order, removal, and the rows other modules read through PackagesService. */
@Module({
  imports: [TypeOrmModule.forFeature([PackageEntity]), SessionsModule],
  providers: [PackagesService, PackagesResolver, SessionPackagesResolver],
  exports: [PackagesService],
})
export class PackagesModule {}
