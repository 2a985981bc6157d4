import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE, databaseUnavailableReason } from '../errors/database-unavailable';
import { httpExceptionMessage, INTERNAL_ERROR_MESSAGE } from '../errors/error-messages';

/** Codes clients already know from Apollo; every other status is named after Nest's HttpStatus (CONFLICT, …). */
const CODE_BY_STATUS: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'BAD_USER_INPUT',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'BAD_USER_INPUT',
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
};

export function graphqlCodeForStatus(status: number): string {
  return (
    CODE_BY_STATUS[status] ?? HttpStatus[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST')
  );
}

/**
 * One policy for GraphQL errors over HTTP (Apollo's formatError) and graphql-ws:
 * - a Nest HttpException thrown on purpose keeps its message and gets a code from its status (404 → NOT_FOUND);
 * - a GraphQLError (parse, validation, limits, variables) is already meant for the client and passes;
 * - a lost database connection says so (SERVICE_UNAVAILABLE): the client may try again;
 * - anything else is a fault: the client gets a generic message, the server log gets the detail.
 * Stack traces reach the client only with `server.exposeErrors`.
 */
export class GraphQLErrorMasker {
  private readonly logger = new Logger('GraphQL');

  constructor(private readonly exposeErrors: boolean) {}

  format(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const cause = resolverCause(error);
    const { locations, path } = formatted;
    if (cause instanceof HttpException) {
      const extensions: Record<string, unknown> = { code: graphqlCodeForStatus(cause.getStatus()) };
      if (this.exposeErrors && cause.stack) extensions['stacktrace'] = cause.stack.split('\n');
      return { message: httpExceptionMessage(cause), locations, path, extensions };
    }
    if (cause instanceof GraphQLError) {
      if (this.exposeErrors) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (databaseUnavailableReason(cause)) {
      this.logger.warn({ msg: 'database unavailable', path: path?.join('.'), error: String(cause) });
      return {
        message: DATABASE_UNAVAILABLE_MESSAGE,
        locations,
        path,
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    this.logger.error({
      msg: 'unexpected error in a GraphQL operation',
      path: path?.join('.'),
      error: String((cause as Error)?.stack ?? cause),
    });
    if (this.exposeErrors) return formatted;
    return {
      message: INTERNAL_ERROR_MESSAGE,
      locations,
      path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }

  /** For graphql-ws, which hands over GraphQLError objects rather than Apollo's formatted ones. */
  formatError(error: GraphQLError): GraphQLFormattedError {
    const formatted = error.toJSON();
    if (this.exposeErrors && error.originalError?.stack) {
      return this.format(
        {
          ...formatted,
          extensions: { ...formatted.extensions, stacktrace: error.originalError.stack.split('\n') },
        },
        error,
      );
    }
    return this.format(formatted, error);
  }
}

/** What a resolver threw, unwrapped from the GraphQLError graphql-js put around it (as Apollo's unwrapResolverError). */
function resolverCause(error: unknown): unknown {
  if (error instanceof GraphQLError && error.originalError) return resolverCause(error.originalError);
  return error;
}
