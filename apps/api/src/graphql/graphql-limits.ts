import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import {
  GraphQLError,
  parse,
  type ParseOptions,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { AppConfig } from '../config/app-config';

export type GraphQLLimitSettings = AppConfig['graphql'];

/** What the Apollo server needs: the armor's plugins and validation rules, a token limit, and no batched requests. */
export interface ApolloLimits {
  plugins: ReturnType<ApolloArmor['protect']>['plugins'];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  allowBatchedHttpRequests: false;
}

/** The same limits for graphql-ws, which runs its own parse and validate and so bypasses the Apollo plugins. */
export type GraphQLWsLimits = Required<Pick<GraphQLWsSubscriptionsConfig, 'onSubscribe'>> &
  Required<Pick<ServerOptions, 'validate'>>;

/**
 * Depth, alias, directive and cost limits from graphql-armor, for both transports: its rules are plain
 * graphql-js validation rules that graphql-ws reuses. Tokens are counted by graphql-js's own parser
 * (`maxTokens`), which stops lexing at the limit. The armor's token plugin parses every document a second
 * time and turns each parse error, a refusal included, into an HTTP 500.
 */
export function graphqlLimits(settings: GraphQLLimitSettings): {
  apollo: ApolloLimits;
  graphqlWs: GraphQLWsLimits;
} {
  const armor = new ApolloArmor({
    maxDepth: { n: settings.maxDepth },
    maxAliases: { n: settings.maxAliases },
    maxTokens: { enabled: false },
    maxDirectives: { n: settings.maxDirectives },
    costLimit: { maxCost: settings.maxCost },
  }).protect();
  const rules: ValidationRule[] = [...specifiedRules, ...armor.validationRules];
  return {
    apollo: {
      plugins: armor.plugins,
      validationRules: armor.validationRules,
      parseOptions: { maxTokens: settings.maxTokens },
      allowBatchedHttpRequests: false,
    },
    graphqlWs: {
      // graphql-ws would throw the parse error and close the whole socket; this answers it on the one operation.
      onSubscribe: (_context, _id, payload) => {
        try {
          parse(payload.query, { maxTokens: settings.maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return undefined;
      },
      validate: (schema, document) => validate(schema, document, rules),
    },
  };
}
