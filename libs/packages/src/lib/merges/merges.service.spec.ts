import 'reflect-metadata';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DEFAULT_PACKAGE_LIMITS } from '@scorm-merge/scorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PACKAGES_ENTITIES } from '../../index';
import type { PackagesOptions } from '../packages-options';
import { PackageEntity } from '../packages/package.entity';
import { PackagesService } from '../packages/packages.service';
import { SessionEntity } from '../sessions/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { SessionWorkRegistry } from '../sessions/session-work.registry';
import { TaskStatus } from '../shared/task-status';
import { StorageSpace } from '../storage/storage-space';
import { MergeEntity } from './merge.entity';
import type { MergeRunner } from './merge-runner.service';
import type { MergeStorage } from './merge-storage';
import { MergesService } from './merges.service';

/**
 * Free space answered after a turn of the event loop, as statfs does: a start() waiting for it lets a
 * second start() of the same session pass the "already active?" check before the first one inserts.
 */
class SlowStorageSpace extends StorageSpace {
  override async hasRoomFor(): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return true;
  }
}

describe('MergesService.start on SQLite', () => {
  let dir: string;
  let dataSource: DataSource;
  let sessions: SessionsService;
  let packages: PackagesService;
  let service: MergesService;
  const enqueued: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scorm-merges-service-'));
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'test.sqlite'),
      entities: PACKAGES_ENTITIES,
      synchronize: true,
    }).initialize();
    const options: PackagesOptions = {
      dataDir: dir,
      upload: { maxFileBytes: 1_000_000, maxPackagesPerSession: 10, maxSessionBytes: 10_000_000 },
      storage: { minFreeBytes: 0 },
      retention: { sessionIdleDays: 7, mergeDays: 7, sweepIntervalMinutes: 60, sweepBatchSize: 100 },
      packageLimits: DEFAULT_PACKAGE_LIMITS,
    };
    const events = new EventEmitter2();
    sessions = new SessionsService(dataSource.getRepository(SessionEntity), dataSource, options);
    packages = new PackagesService(dataSource.getRepository(PackageEntity), dataSource, sessions, events);
    const runner: Pick<MergeRunner, 'enqueue'> = {
      enqueue: async (mergeId) => {
        enqueued.push(mergeId);
      },
    };
    service = new MergesService(
      dataSource.getRepository(MergeEntity),
      dataSource,
      sessions,
      packages,
      runner as MergeRunner,
      {} as MergeStorage,
      new SlowStorageSpace(options),
      new SessionWorkRegistry(),
      events,
      options,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers two starts of one session made at the same moment with one merge, and queues only that one', async () => {
    const session = await sessions.create();
    for (const [position, title] of ['One', 'Two'].entries()) {
      await packages.insert(
        Object.assign(new PackageEntity(), {
          id: `${session.id}-${position}`,
          sessionId: session.id,
          position,
          filename: `${title}.zip`,
          title,
          sizeBytes: 1000,
          contentHash: null,
          storagePath: `uploads/${session.id}/${position}.zip`,
          scormVersion: '1.2',
          scoCount: 1,
          description: '',
          descriptionSource: 'LOCAL',
          lomDescription: null,
          contentSample: '',
          outline: [],
          warnings: [],
          error: null,
        }),
      );
    }

    const [first, second] = await Promise.all([
      service.start(session.id, null),
      service.start(session.id, null),
    ]);

    expect(second.id).toBe(first.id);
    const rows = await service.listForSession(session.id);
    expect(rows.map((m) => [m.id, m.status])).toEqual([[first.id, TaskStatus.QUEUED]]);
    expect(enqueued).toEqual([first.id]);
  });
});
