import { Inject } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { PUB_SUB, SessionsService, subscribeChecked } from '@scorm-merge/packages';
import type { PubSubEngine } from 'graphql-subscriptions';
import {
  descriptionTrigger,
  DESCRIPTION_EVENTS,
  type DescriptionProgressPayload,
} from '../events/description-events';
import { monotonicProgress } from '../events/monotonic-progress';
import { DescriptionDeltaModel } from '../models/description-delta.model';
import { DescriptionProgressModel } from '../models/description-progress.model';
import { DescriptionUpdateModel } from '../models/description-update.model';

/** Payloads are published already in their GraphQL shape. */
const asPublished = <T>(payload: T): T => payload;

/** Live description events of one session; an unknown session is refused with an error. */
@Resolver()
export class DescriptionSubscriptionsResolver {
  constructor(
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    private readonly sessions: SessionsService,
  ) {}

  @Subscription(() => DescriptionProgressModel, {
    resolve: asPublished,
    description: 'Task started, each package finished, completed, cancelled or failed.',
  })
  async descriptionProgress(
    @Args('sessionId', { type: () => ID }) sessionId: string,
  ): Promise<AsyncIterableIterator<unknown>> {
    return monotonicProgress(
      (await this.listen('progress', sessionId)) as AsyncIterableIterator<DescriptionProgressPayload>,
    );
  }

  @Subscription(() => DescriptionUpdateModel, {
    resolve: asPublished,
    description: "Each package's new description, once it is saved.",
  })
  descriptionUpdated(
    @Args('sessionId', { type: () => ID }) sessionId: string,
  ): Promise<AsyncIterableIterator<unknown>> {
    return this.listen('updated', sessionId);
  }

  @Subscription(() => DescriptionDeltaModel, {
    resolve: asPublished,
    description: 'Partial text while the model writes a description, so it can be shown typing. Not saved.',
  })
  descriptionStreaming(
    @Args('sessionId', { type: () => ID }) sessionId: string,
  ): Promise<AsyncIterableIterator<unknown>> {
    return this.listen('streaming', sessionId);
  }

  private async listen(
    kind: keyof typeof DESCRIPTION_EVENTS,
    sessionId: string,
  ): Promise<AsyncIterableIterator<unknown>> {
    return subscribeChecked(this.pubSub, descriptionTrigger(kind, sessionId), () =>
      this.sessions.require(sessionId),
    );
  }
}
