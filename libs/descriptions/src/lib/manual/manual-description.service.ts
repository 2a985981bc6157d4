import { BadRequestException, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type PackageEntity, PackagesService, SessionsService } from '@scorm-merge/packages';
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
    private readonly packages: PackagesService,
    private readonly sessions: SessionsService,
    private readonly tasks: DescriptionTaskStore,
    private readonly events: EventEmitter2,
  ) {}

  async update(sessionId: string, packageId: string, description: string): Promise<PackageEntity> {
    const pkg = await this.packages.requireInSession(sessionId, packageId);
    const normalized = normalizeManualDescription(description);
    if (!normalized.ok) throw new BadRequestException(normalized.message);

    await this.packages.writeDescription(pkg.id, normalized.text, 'MANUAL');
    await this.sessions.touch(sessionId);
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
