import { type ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { GraphQLError } from 'graphql';
import { rateLimitedOperation } from './rate-limited-operations';

/** The GraphQL error code of a refused mutation; `extensions.retryAfterSeconds` says when to try again. */
export const TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS';

/**
 * The throttler for REST and GraphQL over HTTP. A client is its address (`req.ip`: the socket address,
 * or X-Forwarded-For's first hop when `server.trustProxy` sets Express's `trust proxy`).
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return rateLimitedOperation(context) === undefined;
  }

  /** GraphQL resolvers get req from the GraphQL context (HTTP only: subscriptions are never limited here). */
  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    if (context.getType<GqlContextType>() !== 'graphql') return super.getRequestResponse(context);
    const { req } = GqlExecutionContext.create(context).getContext<{ req: Record<string, unknown> }>();
    // Express links each request to its response.
    return { req, res: req['res'] as Record<string, unknown> };
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfterSeconds = detail.timeToBlockExpire;
    const message = `Too many requests: try again in ${retryAfterSeconds} s`;
    if (context.getType<GqlContextType>() === 'graphql') {
      throw new GraphQLError(message, { extensions: { code: TOO_MANY_REQUESTS, retryAfterSeconds } });
    }
    // Retry-After is already on the response (the guard sets it); the body has the shape of every REST error.
    throw new HttpException(
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
