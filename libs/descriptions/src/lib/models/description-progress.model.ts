import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { TaskStatus } from '@scorm-merge/packages';
import type { DescriptionProgressPayload } from '../events/description-events';
import { ProgressType } from './progress-type.enum';

@ObjectType('DescriptionProgress', {
  description: 'A change of a description task; progress never goes back.',
})
export class DescriptionProgressModel implements DescriptionProgressPayload {
  @Field(() => ID)
  taskId!: string;

  @Field(() => ProgressType)
  type!: ProgressType;

  @Field(() => TaskStatus)
  status!: TaskStatus;

  @Field()
  message!: string;

  @Field(() => Int, { description: 'Percent, 0-100.' })
  progress!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Number (1-based) of the package just finished; null when not about one package.',
  })
  current!: number | null;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => ID, { nullable: true, description: 'The package just finished, for PROGRESS events.' })
  packageId!: string | null;
}
