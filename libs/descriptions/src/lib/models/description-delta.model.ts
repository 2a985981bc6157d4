import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { DescriptionDeltaPayload } from '../events/description-events';

@ObjectType('DescriptionDelta', {
  description:
    'Text of a description while the model writes it (not saved; the final, cleaned text arrives on descriptionUpdated).',
})
export class DescriptionDeltaModel implements DescriptionDeltaPayload {
  @Field(() => ID)
  taskId!: string;

  @Field(() => ID)
  packageId!: string;

  @Field({ description: 'All the raw text received so far for this attempt (plain text; never HTML).' })
  text!: string;

  @Field(() => Int, { description: 'Starts at 1; a retry starts the text again with the next number.' })
  attempt!: number;
}
