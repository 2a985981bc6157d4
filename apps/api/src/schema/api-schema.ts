import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { DESCRIPTIONS_RESOLVERS } from '@scorm-merge/descriptions';
import { PACKAGES_RESOLVERS } from '@scorm-merge/packages';
import { lexicographicSortSchema, printSchema } from 'graphql';

/** Every resolver the API serves; the committed schema.gql is printed from these. */
export const API_RESOLVERS = [...PACKAGES_RESOLVERS, ...DESCRIPTIONS_RESOLVERS];

/** The schema as SDL, sorted the same way the running server sorts it. */
export async function printApiSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
