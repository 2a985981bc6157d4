import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { TaskStatus } from '../../shared/task-status';

@ObjectType('MergedModule', { description: 'One package as a module of the merged course.' })
export class MergedModuleModel {
  @Field({ description: 'The folder of the merged zip that holds this package.' })
  folder!: string;

  @Field()
  title!: string;

  @Field(() => Int)
  scoCount!: number;

  @Field(() => [String], { description: 'Titles of the SCO items kept under this module, in order.' })
  items!: string[];
}

@ObjectType('Merge', { description: 'One merge of a session into a single SCORM package.' })
export class MergeModel {
  @Field(() => ID)
  id!: string;

  @Field(() => TaskStatus)
  status!: TaskStatus;

  @Field(() => Int, { description: '0 to 100.' })
  progress!: number;

  @Field(() => String, { nullable: true })
  step!: string | null;

  @Field(() => String, { nullable: true, description: 'Set once the merge is COMPLETED.' })
  downloadUrl!: string | null;

  @Field(() => Float, { nullable: true })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field()
  title!: string;

  @Field()
  includeMenu!: boolean;

  @Field(() => String, { nullable: true, description: '"1.2" or "2004 4th Edition" once known.' })
  scormVersion!: string | null;

  @Field(() => [String], {
    description: 'What the merge had to adapt or leave out, in plain words (e.g. dropped 1.2 prerequisites).',
  })
  warnings!: string[];

  @Field(() => [MergedModuleModel], { description: 'The merged course outline, once COMPLETED.' })
  modules!: MergedModuleModel[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the merged zip is deleted (COMPLETED) or was (EXPIRED): finishedAt + retention.mergeDays. Null for other statuses.',
  })
  expiresAt!: Date | null;
}

@ObjectType('MergeProgress')
export class MergeProgressModel {
  @Field(() => ID)
  mergeId!: string;

  @Field(() => TaskStatus)
  status!: TaskStatus;

  @Field()
  step!: string;

  @Field(() => Int)
  progress!: number;
}
