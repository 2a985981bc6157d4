import { type DynamicModule, Module } from '@nestjs/common';
import { MergesModule } from '../merges/merges.module';
import { PackagesModule } from '../packages/packages.module';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { SessionsModule } from '../sessions/sessions.module';
import { UploadModule } from '../upload/upload.module';
import { PreviewCapability } from './preview-capability';
import { PreviewContentController } from './preview-content.controller';
import { PreviewCourses } from './preview-courses.service';
import { PREVIEW_OPTIONS, type PreviewOptions } from './preview-options';
import { PreviewResolver } from './preview.resolver';
import { loadPreviewSecret } from './preview-secret';

/** Preview: a course's outline for the player (GraphQL) and its files, served from the stored zip. */
@Module({})
export class PreviewModule {
  static forRoot(options: PreviewOptions): DynamicModule {
    return {
      module: PreviewModule,
      imports: [SessionsModule, PackagesModule, MergesModule, UploadModule],
      controllers: [PreviewContentController],
      providers: [
        { provide: PREVIEW_OPTIONS, useValue: options },
        {
          provide: PreviewCapability,
          useFactory: (packages: PackagesOptions) =>
            new PreviewCapability(loadPreviewSecret(options.secret, packages.dataDir)),
          inject: [PACKAGES_OPTIONS],
        },
        PreviewCourses,
        PreviewResolver,
      ],
    };
  }
}
