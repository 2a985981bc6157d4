import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { DescriptionSourceValue } from '../package.entity';

export enum DescriptionSource {
  MANIFEST = 'MANIFEST',
  LOCAL = 'LOCAL',
  AI = 'AI',
  CACHE = 'CACHE',
  MANUAL = 'MANUAL',
}
registerEnumType(DescriptionSource, {
  name: 'DescriptionSource',
  description: 'Where a package description came from.',
});

@ObjectType('Package', { description: 'One uploaded SCORM zip, valid or not.' })
export class PackageModel {
  @Field(() => ID)
  id!: string;

  @Field()
  filename!: string;

  @Field({ description: 'Plain text; never HTML.' })
  title!: string;

  @Field(() => Int, { description: 'Zero-based place in the course order.' })
  position!: number;

  @Field(() => Float)
  sizeBytes!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The SCORM version as the manifest states it, e.g. 1.2 or 2004 3rd Edition; null if invalid.',
  })
  scormVersion!: string | null;

  @Field(() => Int)
  scoCount!: number;

  @Field({ description: 'Plain text; never HTML.' })
  description!: string;

  @Field(() => DescriptionSource)
  descriptionSource!: DescriptionSourceValue;

  @Field(() => String, { nullable: true, description: 'Why the package is invalid; null when valid.' })
  error!: string | null;

  @Field(() => [String])
  warnings!: string[];

  @Field(() => Date)
  createdAt!: Date;
}
