import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PACKAGES_OPTIONS, type PackagesOptions } from './packages-options';

/** The settings every feature module of this lib reads (data folder, upload and package limits). */
@Global()
@Module({})
export class PackagesConfigModule {
  static forRoot(options: PackagesOptions): DynamicModule {
    return {
      module: PackagesConfigModule,
      providers: [{ provide: PACKAGES_OPTIONS, useValue: options }],
      exports: [PACKAGES_OPTIONS],
    };
  }
}
