import { Field, InputType } from '@nestjs/graphql';

@InputType('MergeOptions')
export class MergeOptionsInput {
  @Field(() => String, { nullable: true, description: 'Course title; defaults to the first package title.' })
  title?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Add a course menu SCO (default true).' })
  includeMenu?: boolean | null;
}
