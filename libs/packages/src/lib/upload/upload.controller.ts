import { Controller, HttpCode, HttpException, Param, Post, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { PackageModel } from '../packages/models/package.model';
import { UploadRequestError } from './upload-errors';
import { UploadService } from './upload.service';

@Controller('api/sessions/:sessionId/packages')
export class UploadController {
  constructor(private readonly upload: UploadService) {}

  /** Multipart field `files`, one or many zips; one answer entry per file, invalid ones with `error`. */
  @Post()
  @HttpCode(201)
  async uploadPackages(
    @Param('sessionId') sessionId: string,
    @Req() request: IncomingMessage,
  ): Promise<PackageModel[]> {
    try {
      return await this.upload.receive(sessionId, request);
    } catch (error) {
      if (error instanceof UploadRequestError) {
        throw new HttpException({ statusCode: error.status, message: error.message }, error.status);
      }
      throw error;
    }
  }
}
