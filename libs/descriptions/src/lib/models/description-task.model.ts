import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { TaskStatus } from '@scorm-merge/packages';

@ObjectType('DescriptionTask', { description: "A run of description generation over a session's packages." })
export class DescriptionTaskModel {
  @Field(() => ID)
  id!: string;

  @Field(() => TaskStatus)
  status!: TaskStatus;

  @Field(() => Int, { description: 'Packages the task covers.' })
  total!: number;

  @Field(() => Int, { description: 'Packages described so far (AI, cache, local or fallback). Only grows.' })
  completed!: number;

  @Field(() => Int, { description: 'Packages that could not be described (e.g. removed meanwhile).' })
  failed!: number;

  @Field(() => Int, { description: 'Percent of packages finished, (completed + failed) / total, 0-100.' })
  progress!: number;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Boolean, { description: 'Hand-written descriptions are replaced and the cache is bypassed.' })
  regenerate!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
