import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { AppConfig } from '../config/app-config';

/** The operations counted per client, each with its own count in `config.rateLimits`. */
export type RateLimitedOperation = 'createSession' | 'upload' | 'startDescriptions' | 'startMerge';

const LIMITED_MUTATIONS = new Set<RateLimitedOperation>(['createSession', 'startDescriptions', 'startMerge']);
const LIMITED_ROUTES: Record<string, RateLimitedOperation> = {
  'POST /api/sessions/:sessionId/packages': 'upload',
};

/**
 * Which limited operation a handler call is, if any: a root Mutation field by name, or a REST route by
 * method and path pattern. Subscriptions (over WebSocket) and everything else are not limited.
 */
export function rateLimitedOperation(context: ExecutionContext): RateLimitedOperation | undefined {
  if (context.getType<GqlContextType>() === 'graphql') {
    const info = GqlExecutionContext.create(context).getInfo<{
      parentType: { name: string };
      fieldName: string;
    }>();
    const field = info.fieldName as RateLimitedOperation;
    return info.parentType.name === 'Mutation' && LIMITED_MUTATIONS.has(field) ? field : undefined;
  }
  if (context.getType() !== 'http') return undefined;
  const request = context.switchToHttp().getRequest<{ method: string; route?: { path: string } }>();
  return request.route ? LIMITED_ROUTES[`${request.method} ${request.route.path}`] : undefined;
}

export function operationLimit(config: AppConfig['rateLimits'], operation: RateLimitedOperation): number {
  return config[operation];
}
