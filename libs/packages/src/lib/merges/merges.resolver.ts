import { Inject } from '@nestjs/common';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { Args, ID, Mutation, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { PubSubEngine } from 'graphql-subscriptions';
import type { SessionEntity } from '../sessions/session.entity';
import { subscribeChecked } from '../realtime/attached-subscription';
import { PUB_SUB } from '../realtime/realtime.module';
import { SessionModel } from '../sessions/models/session.model';
import { SessionsService } from '../sessions/sessions.service';
import { mergeProgressTopic } from './merge-events';
import { toMergeView } from './merge-view';
import { MergesService } from './merges.service';
import { MergeOptionsInput } from './models/merge-options.input';
import { MergeModel, MergeProgressModel } from './models/merge.model';

@Resolver(() => SessionModel)
export class MergesResolver {
  constructor(
    private readonly mergesService: MergesService,
    private readonly sessions: SessionsService,
    @Inject(PUB_SUB) private readonly pubSub: PubSubEngine,
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
  ) {}

  @Mutation(() => MergeModel, {
    description: 'Starts merging the valid packages, in course order, into one SCORM zip.',
  })
  async startMerge(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('options', { type: () => MergeOptionsInput, nullable: true }) options?: MergeOptionsInput,
  ): Promise<MergeModel> {
    return toMergeView(await this.mergesService.start(sessionId, options), this.options.retention.mergeDays);
  }

  @ResolveField(() => [MergeModel], { description: 'Merges of this session, newest first.' })
  async merges(@Parent() session: SessionEntity): Promise<MergeModel[]> {
    const mergeDays = this.options.retention.mergeDays;
    return (await this.mergesService.listForSession(session.id)).map((merge) =>
      toMergeView(merge, mergeDays),
    );
  }

  @Subscription(() => MergeProgressModel, { description: 'Progress of every merge of the session.' })
  async mergeProgress(
    @Args('sessionId', { type: () => ID }) sessionId: string,
  ): Promise<AsyncIterator<unknown>> {
    return subscribeChecked(this.pubSub, mergeProgressTopic(sessionId), () =>
      this.sessions.require(sessionId),
    );
  }
}
