import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Session', { description: 'A merge workspace. Its id is the only key to it.' })
export class SessionModel {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;
}
