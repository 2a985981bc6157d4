import {
  ConflictException,
  Controller,
  Get,
  GoneException,
  NotFoundException,
  Param,
  StreamableFile,
} from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TaskStatus } from '../shared/task-status';
import { truncateCodePoints } from '../shared/text';
import { MergeStorage } from './merge-storage';
import { MergesService } from './merges.service';

@Controller('api/sessions/:sessionId/merges/:mergeId/download')
export class MergeDownloadController {
  constructor(
    private readonly merges: MergesService,
    private readonly storage: MergeStorage,
  ) {}

  /** The merged zip as an attachment named after the course title. */
  @Get()
  async download(
    @Param('sessionId') sessionId: string,
    @Param('mergeId') mergeId: string,
  ): Promise<StreamableFile> {
    const merge = await this.merges.findInSession(sessionId, mergeId);
    if (!merge) throw new NotFoundException(`Merge ${mergeId} not found in session ${sessionId}`);
    if (merge.status === TaskStatus.EXPIRED) {
      throw new GoneException(
        `The merged file of merge ${mergeId} was deleted after its retention period. Start the merge again to get a new one.`,
      );
    }
    if (merge.status !== TaskStatus.COMPLETED || !merge.outputPath) {
      throw new ConflictException(
        `Merge ${mergeId} is ${merge.status}; only COMPLETED merges can be downloaded.`,
      );
    }
    const path = this.storage.absolutePath(merge.outputPath);
    const size = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) throw new NotFoundException(`The file of merge ${mergeId} is no longer on disk.`);
    return new StreamableFile(createReadStream(path), {
      type: 'application/zip',
      length: size,
      disposition: attachmentDisposition(merge.title),
    });
  }
}

/** ASCII fallback plus the exact UTF-8 title (RFC 6266), so no header can be broken by a title. */
export function attachmentDisposition(title: string): string {
  const stripped = title
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\/:*?<>|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  // What is left of a non-Latin title ("2024", "- 3") names nothing; browsers that use the
  // fallback then save "course.zip".
  const ascii = /[A-Za-z]/.test(stripped) ? stripped : 'course';
  const utf8 = encodeURIComponent(`${truncateCodePoints(title, 150)}.zip`).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}.zip"; filename*=UTF-8''${utf8}`;
}
