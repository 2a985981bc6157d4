import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { PUB_SUB } from '@scorm-merge/packages';
import type { PubSubEngine } from 'graphql-subscriptions';
import {
  DESCRIPTION_EVENTS,
  descriptionTrigger,
  type DescriptionDeltaPayload,
  type DescriptionProgressPayload,
  type DescriptionUpdatePayload,
  type SessionEvent,
} from './description-events';

/** Domain events → PubSub, one trigger per session. Events are emitted only after their data is committed. */
@Injectable()
export class DescriptionEventsListener {
  constructor(@Inject(PUB_SUB) private readonly pubSub: PubSubEngine) {}

  @OnEvent(DESCRIPTION_EVENTS.progress)
  onProgress(event: SessionEvent<DescriptionProgressPayload>): Promise<void> {
    return this.pubSub.publish(descriptionTrigger('progress', event.sessionId), event.payload);
  }

  @OnEvent(DESCRIPTION_EVENTS.updated)
  onUpdated(event: SessionEvent<DescriptionUpdatePayload>): Promise<void> {
    return this.pubSub.publish(descriptionTrigger('updated', event.sessionId), event.payload);
  }

  @OnEvent(DESCRIPTION_EVENTS.streaming)
  onStreaming(event: SessionEvent<DescriptionDeltaPayload>): Promise<void> {
    return this.pubSub.publish(descriptionTrigger('streaming', event.sessionId), event.payload);
  }
}
