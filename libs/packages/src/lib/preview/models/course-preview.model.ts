import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PreviewItem', { description: "One item of the course's default organization." })
export class PreviewItemModel {
  @Field(() => ID, { description: 'The item identifier from the manifest.' })
  id!: string;

  @Field()
  title!: string;

  @Field(() => Int, { description: '0 for a child of the organization.' })
  depth!: number;

  @Field(() => ID, { nullable: true, description: 'The enclosing item; null at the top.' })
  parentId!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Absolute URL of the SCO or asset (href plus the item parameters, query kept) on the content origin; null for clusters.',
  })
  launchUrl!: string | null;

  @Field(() => String, { nullable: true, description: '"sco", "asset", or null for clusters.' })
  scormType!: string | null;

  @Field(() => String, { nullable: true, description: 'SCORM 1.2 adlcp:prerequisites as written.' })
  prerequisites!: string | null;

  @Field()
  isVisible!: boolean;
}

@ObjectType('CoursePreview', { description: 'What the player needs to run a package or a merged course.' })
export class CoursePreviewModel {
  @Field()
  title!: string;

  @Field({ description: 'As the manifest says: "1.2", "2004 4th Edition", ...' })
  scormVersion!: string;

  @Field({ description: '"1.2" or "2004".' })
  family!: string;

  @Field({
    description:
      'Origin the framed content is served from; "null" when it runs sandboxed in an opaque origin (its messages then carry origin "null").',
  })
  contentOrigin!: string;

  @Field(() => [PreviewItemModel], { description: 'The default organization, flattened in document order.' })
  items!: PreviewItemModel[];

  @Field(() => String, {
    nullable: true,
    description: "JSON of scorm-again's sequencing settings (activity tree and rules); SCORM 2004 only.",
  })
  sequencing!: string | null;
}
