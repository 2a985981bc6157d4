import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { PubSubEngine } from 'graphql-subscriptions';
import { PUB_SUB } from '../realtime/realtime.module';
import { MERGE_PROGRESS_EVENT, mergeProgressTopic, type MergeProgressChanged } from './merge-events';

/** event → PubSub: the subscription side of the merge progress path. */
@Injectable()
export class MergeProgressListener {
  constructor(@Inject(PUB_SUB) private readonly pubSub: PubSubEngine) {}

  @OnEvent(MERGE_PROGRESS_EVENT)
  async publish(event: MergeProgressChanged): Promise<void> {
    const { sessionId, ...progress } = event;
    await this.pubSub.publish(mergeProgressTopic(sessionId), { mergeProgress: progress });
  }
}
