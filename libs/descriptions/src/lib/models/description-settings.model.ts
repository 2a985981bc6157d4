import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('DescriptionSettings', { description: 'How this server writes descriptions (no secrets).' })
export class DescriptionSettingsModel {
  @Field({
    description: 'False when no API key is configured (or AI is disabled): descriptions are written locally.',
  })
  aiEnabled!: boolean;

  @Field(() => String, { nullable: true, description: 'The chat model used when aiEnabled.' })
  model!: string | null;
}
