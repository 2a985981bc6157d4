import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { SessionModel } from '@scorm-merge/packages';
import { DescriptionTaskModel } from '../models/description-task.model';
import { toDescriptionTaskView } from '../tasks/description-task-view';
import { DescriptionTasksService } from '../tasks/description-tasks.service';

/** Adds Session.descriptionTask from this library, so the packages library need not know about tasks. */
@Resolver(() => SessionModel)
export class SessionDescriptionTaskResolver {
  constructor(private readonly tasks: DescriptionTasksService) {}

  @ResolveField(() => DescriptionTaskModel, {
    nullable: true,
    description: "The session's latest description task, or null.",
  })
  async descriptionTask(@Parent() session: { id: string }): Promise<DescriptionTaskModel | null> {
    const task = await this.tasks.latestOfKnownSession(session.id);
    return task && toDescriptionTaskView(task);
  }
}
