import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { PackageModel, toPackageView } from '@scorm-merge/packages';
import { DESCRIPTIONS_OPTIONS, type DescriptionsOptions } from '../descriptions-options';
import { ManualDescriptionService } from '../manual/manual-description.service';
import { DescriptionSettingsModel } from '../models/description-settings.model';
import { DescriptionTaskModel } from '../models/description-task.model';
import { toDescriptionTaskView } from '../tasks/description-task-view';
import type { AiDescriptionProvider } from '../providers/ai-description-provider';
import { AI_DESCRIPTION_PROVIDER } from '../runner/ai-provider.token';
import { DescriptionTasksService } from '../tasks/description-tasks.service';

@Resolver()
export class DescriptionsResolver {
  constructor(
    private readonly tasks: DescriptionTasksService,
    private readonly manual: ManualDescriptionService,
    @Inject(AI_DESCRIPTION_PROVIDER) private readonly ai: AiDescriptionProvider | null,
    @Inject(DESCRIPTIONS_OPTIONS) private readonly options: DescriptionsOptions,
  ) {}

  @Query(() => DescriptionSettingsModel, {
    description: 'Whether AI descriptions are available here, so a client can say so before a task runs.',
  })
  descriptionSettings(): DescriptionSettingsModel {
    return { aiEnabled: this.ai !== null, model: this.ai ? this.options.openai.model : null };
  }

  @Query(() => DescriptionTaskModel, {
    nullable: true,
    description: "The session's latest description task, or null.",
  })
  async descriptionTask(
    @Args('sessionId', { type: () => ID }) sessionId: string,
  ): Promise<DescriptionTaskModel | null> {
    const task = await this.tasks.latest(sessionId);
    return task && toDescriptionTaskView(task);
  }

  @Mutation(() => DescriptionTaskModel, {
    description:
      'Describes the listed packages (default: every valid one) in the background. Hand-written descriptions are kept unless regenerate. While a task runs, returns that task.',
  })
  async startDescriptions(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('packageIds', { type: () => [ID], nullable: true }) packageIds: string[] | null,
    @Args('regenerate', { type: () => Boolean, nullable: true }) regenerate: boolean | null,
  ): Promise<DescriptionTaskModel> {
    return toDescriptionTaskView(await this.tasks.start(sessionId, packageIds, regenerate ?? false));
  }

  @Mutation(() => DescriptionTaskModel, {
    description:
      "Cancels the session's running task at once, keeping what it finished. With none running, returns the latest task.",
  })
  async cancelDescriptions(
    @Args('sessionId', { type: () => ID }) sessionId: string,
  ): Promise<DescriptionTaskModel> {
    return toDescriptionTaskView(await this.tasks.cancel(sessionId));
  }

  @Mutation(() => PackageModel, {
    description: 'Sets a hand-written description (source MANUAL), plain text, at most 1000 characters.',
  })
  async updateDescription(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('packageId', { type: () => ID }) packageId: string,
    @Args('description') description: string,
  ): Promise<PackageModel> {
    return toPackageView(await this.manual.update(sessionId, packageId, description));
  }
}
