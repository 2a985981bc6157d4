import { type DynamicModule, Module } from '@nestjs/common';
import { ExplorerController } from './explorer.controller';

/** The explorer's page, or nothing at all (404) when `explorer.enabled` is false. */
@Module({})
export class ExplorerModule {
  static forRoot(options: { enabled: boolean }): DynamicModule {
    return { module: ExplorerModule, controllers: options.enabled ? [ExplorerController] : [] };
  }
}
