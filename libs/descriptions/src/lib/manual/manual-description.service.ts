import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { PackageEntity, SessionsService } from '@scorm-merge/packages';
import { Repository } from 'typeorm';
import {
  DESCRIPTION_EVENTS,
  type DescriptionUpdatePayload,
  type SessionEvent,
} from '../events/description-events';
import { DescriptionTaskStore } from '../tasks/description-task.store';
import { progressPercent } from '../tasks/task-progress';
import { normalizeManualDescription } from './manual-description';

/** Hand-written descriptions (source MANUAL): saved, then published like generated ones. */
@Injectable()
export class ManualDescriptionService {
  constructor(
    private readonly sessions: SessionsService,
    @InjectRepository(PackageEntity) private readonly packages: Repository<PackageEntity>,
    private readonly tasks: DescriptionTaskStore,
    private readonly events: EventEmitter2,
  ) {}

  async update(sessionId: string, packageId: string, description: string): Promise<PackageEntity> {
    await this.sessions.require(sessionId);
    const pkg = await this.packages.findOneBy({ id: packageId, sessionId });
    if (!pkg) throw new NotFoundException(`Package ${packageId} not found in session ${sessionId}`);
    const normalized = normalizeManualDescription(description);
    if (!normalized.ok) throw new BadRequestException(normalized.message);

    await this.packages.update({ id: pkg.id }, { description: normalized.text, descriptionSource: 'MANUAL' });
    const active = await this.tasks.findActive(sessionId);
    this.events.emit(DESCRIPTION_EVENTS.updated, {
      sessionId,
      payload: {
        taskId: '',
        packageId: pkg.id,
        description: normalized.text,
        source: 'MANUAL',
        // A bar fed by this stream must not jump: the running task's percent, else done.
        progress: active ? progressPercent(active.completed + active.failed, active.total) : 100,
        fallback: false,
      },
    } satisfies SessionEvent<DescriptionUpdatePayload>);
    return Object.assign(pkg, { description: normalized.text, descriptionSource: 'MANUAL' as const });
  }
}
