import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { ServerOptions } from 'graphql-ws';
import type { AppConfig } from '../config/app-config';
import { GraphQLErrorMasker } from './graphql-errors';
import { graphqlLimits, type GraphQLWsLimits } from './graphql-limits';

type ApolloHardening = Pick<
  ApolloDriverConfig,
  | 'plugins'
  | 'validationRules'
  | 'parseOptions'
  | 'allowBatchedHttpRequests'
  | 'includeStacktraceInErrorResponses'
  | 'autoTransformHttpErrors'
  | 'formatError'
>;

/** graphql-ws options beyond Nest's typed subset; Nest passes them through to graphql-ws's useServer. */
export type GraphQLWsHardening = GraphQLWsLimits & Required<Pick<ServerOptions, 'onNext' | 'onError'>>;

/** Limits and error masking for GraphQL, the same over HTTP and over graphql-ws. */
export function graphqlHardening(config: AppConfig): {
  apollo: ApolloHardening;
  graphqlWs: GraphQLWsHardening;
} {
  const limits = graphqlLimits(config.graphql);
  const masker = new GraphQLErrorMasker(config.server.exposeErrors);
  return {
    apollo: {
      ...limits.apollo,
      includeStacktraceInErrorResponses: config.server.exposeErrors,
      // Nest's own transform answers INTERNAL_SERVER_ERROR for a 404 and adds the exception's body; ours maps codes.
      autoTransformHttpErrors: false,
      formatError: (formatted, error) => masker.format(formatted, error),
    },
    graphqlWs: {
      ...limits.graphqlWs,
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => masker.formatError(error)) }
          : undefined,
      onError: (_context, _id, _payload, errors) => errors.map((error) => masker.formatError(error)),
    },
  };
}
