import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { PackagesService } from '../packages/packages.service';
import { MergeEntity } from './merge.entity';
import { SessionsService } from '../sessions/sessions.service';
import { ACTIVE_TASK_STATUSES, TaskStatus } from '../shared/task-status';
import { courseTitle } from '@scorm-merge/scorm';
import { MergeRunner } from './merge-runner.service';
import type { MergeOptionsInput } from './models/merge-options.input';

const MERGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class MergesService {
  constructor(
    @InjectRepository(MergeEntity) private readonly merges: Repository<MergeEntity>,
    private readonly sessions: SessionsService,
    private readonly packages: PackagesService,
    private readonly runner: MergeRunner,
  ) {}

  /** Fixes the valid packages and their order now; the merge itself runs in the background. */
  async start(sessionId: string, options: MergeOptionsInput | null | undefined): Promise<MergeEntity> {
    await this.sessions.require(sessionId);
    // A merge already under way is the answer to a second click, not a reason for another full copy.
    const active = await this.merges.findOne({
      where: { sessionId, status: In([...ACTIVE_TASK_STATUSES]) },
      order: { createdAt: 'DESC' },
    });
    if (active) return active;
    const valid = (await this.packages.listForSession(sessionId)).filter((p) => !p.error && p.storagePath);
    if (valid.length === 0) {
      throw new BadRequestException(
        'Nothing to merge: the session has no valid package. Upload at least one SCORM zip.',
      );
    }
    const title = courseTitle(
      options?.title,
      valid.map((p) => p.title),
    );
    const merge = this.merges.create({
      id: randomUUID(),
      sessionId,
      status: TaskStatus.QUEUED,
      progress: 0,
      step: 'Queued',
      title,
      includeMenu: options?.includeMenu ?? true,
      packageIds: valid.map((p) => p.id),
      outputPath: null,
      sizeBytes: null,
      scormVersion: null,
      outline: null,
      error: null,
      warnings: [],
      finishedAt: null,
      // Milliseconds, so merges started within one second still list in order.
      createdAt: new Date(),
    });
    // A plain INSERT: TypeORM's save() would wrap it in a transaction other requests' writes could join.
    await this.merges.insert(merge);
    this.runner.enqueue(merge.id);
    return merge;
  }

  listForSession(sessionId: string): Promise<MergeEntity[]> {
    return this.merges.find({ where: { sessionId }, order: { createdAt: 'DESC' } });
  }

  /** Null for unknown ids, malformed ids and other sessions' merges alike. */
  async findInSession(sessionId: string, mergeId: string): Promise<MergeEntity | null> {
    if (!MERGE_ID.test(mergeId) || !(await this.sessions.find(sessionId))) return null;
    return this.merges.findOneBy({ id: mergeId, sessionId });
  }
}
