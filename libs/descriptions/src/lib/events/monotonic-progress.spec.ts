import { TaskStatus } from '@scorm-merge/packages';
import type { DescriptionProgressPayload } from './description-events';
import { monotonicProgress } from './monotonic-progress';

function event(
  type: DescriptionProgressPayload['type'],
  completed: number,
  taskId = 't1',
): DescriptionProgressPayload {
  return {
    taskId,
    type,
    status: type === 'CANCELLED' ? TaskStatus.CANCELLED : TaskStatus.RUNNING,
    message: '',
    progress: completed * 10,
    current: null,
    total: 10,
    completed,
    failed: 0,
    packageId: null,
  };
}

async function* source(events: DescriptionProgressPayload[]): AsyncGenerator<DescriptionProgressPayload> {
  yield* events;
}

async function collect(events: DescriptionProgressPayload[]): Promise<DescriptionProgressPayload[]> {
  const out: DescriptionProgressPayload[] = [];
  for await (const e of monotonicProgress(source(events))) out.push(e);
  return out;
}

describe('monotonicProgress', () => {
  it('raises counts that arrive crossed from two instances, and sends every event', async () => {
    const out = await collect([
      event('STARTED', 0),
      event('PROGRESS', 2),
      event('PROGRESS', 1),
      event('PROGRESS', 3),
    ]);
    expect(out.map((e) => e.completed)).toEqual([0, 2, 2, 3]);
    expect(out.map((e) => e.progress)).toEqual([0, 20, 20, 30]);
  });

  it('drops what a task sends after its end, and keeps other tasks apart', async () => {
    const out = await collect([
      event('PROGRESS', 4),
      event('CANCELLED', 4),
      event('PROGRESS', 5),
      event('STARTED', 0, 't2'),
    ]);
    expect(out.map((e) => [e.taskId, e.type, e.completed])).toEqual([
      ['t1', 'PROGRESS', 4],
      ['t1', 'CANCELLED', 4],
      ['t2', 'STARTED', 0],
    ]);
  });
});
