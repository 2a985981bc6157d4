import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DescriptionSource, type DescriptionSourceValue } from '@scorm-merge/packages';
import type { DescriptionUpdatePayload } from '../events/description-events';

@ObjectType('DescriptionUpdate', { description: "A package's new description, already saved." })
export class DescriptionUpdateModel implements DescriptionUpdatePayload {
  @Field(() => ID, {
    description: 'The task that wrote it; empty for a hand-written description (updateDescription).',
  })
  taskId!: string;

  @Field(() => ID)
  packageId!: string;

  @Field({ description: 'Plain text; never HTML.' })
  description!: string;

  @Field(() => DescriptionSource)
  source!: DescriptionSourceValue;

  @Field(() => Int, {
    description:
      "The task's percent after this package (for a hand-written one: the running task's, else 100).",
  })
  progress!: number;

  @Field({ description: 'The AI failed after every retry; this is the local description instead.' })
  fallback!: boolean;
}
