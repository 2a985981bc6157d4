import { BadRequestException, Inject } from '@nestjs/common';
import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { PreviewCapability } from './preview-capability';
import { PreviewCourses, type PreviewSource } from './preview-courses.service';
import { PREVIEW_OPTIONS, type PreviewOptions } from './preview-options';
import { askingOrigin, contentBase, launchUrl, requestOrigin, type RequestOrigins } from './preview-urls';
import { CoursePreviewModel } from './models/course-preview.model';

/** Origin that messages from sandboxed content carry. */
export const OPAQUE_ORIGIN = 'null';

@Resolver(() => CoursePreviewModel)
export class PreviewResolver {
  constructor(
    private readonly courses: PreviewCourses,
    private readonly capability: PreviewCapability,
    @Inject(PREVIEW_OPTIONS) private readonly options: PreviewOptions,
  ) {}

  @Query(() => CoursePreviewModel, {
    description: "A valid package's outline, with launch URLs of its content for the player.",
  })
  async packagePreview(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('packageId', { type: () => ID }) packageId: string,
    @Context('req') request: RequestOrigins,
  ): Promise<CoursePreviewModel> {
    return this.preview(await this.courses.packageInSession(sessionId, packageId), request);
  }

  @Query(() => CoursePreviewModel, {
    description: "A COMPLETED merge's outline, with launch URLs of its content for the player.",
  })
  async mergePreview(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('mergeId', { type: () => ID }) mergeId: string,
    @Context('req') request: RequestOrigins,
  ): Promise<CoursePreviewModel> {
    return this.preview(await this.courses.mergeInSession(sessionId, mergeId), request);
  }

  private async preview(
    source: PreviewSource,
    request: RequestOrigins | undefined,
  ): Promise<CoursePreviewModel> {
    // Over graphql-ws there is no HTTP request to say which origin asks, and content URLs are bound to it.
    if (!request?.headers) throw new BadRequestException('Ask for a preview over HTTP (POST /graphql).');
    const { outline, sequencing } = await this.courses.course(source);
    const servedFrom = this.options.origin || requestOrigin(request);
    const claim = { kind: source.kind, id: source.id, appOrigin: askingOrigin(request) };
    const base = contentBase(servedFrom, this.capability, source.sessionId, claim);
    return {
      title: outline.title,
      scormVersion: outline.scormVersion,
      family: outline.family,
      contentOrigin: this.options.origin || OPAQUE_ORIGIN,
      items: outline.items.map((item) => ({
        id: item.id,
        title: item.title,
        depth: item.depth,
        parentId: item.parentId,
        launchUrl: launchUrl(base, item.launch),
        scormType: item.scormType,
        prerequisites: item.prerequisites,
        isVisible: item.isVisible,
      })),
      sequencing,
    };
  }
}
