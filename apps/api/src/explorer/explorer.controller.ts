import { Controller, Get, Header, Req } from '@nestjs/common';
import { renderAltair } from 'altair-static';
import type { IncomingMessage } from 'node:http';

export const EXPLORER_PATH = '/explorer';

/** Altair, served from node_modules: a GraphQL explorer with subscriptions that needs no internet. */
@Controller('explorer')
export class ExplorerController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(@Req() request: IncomingMessage): string {
    const host = request.headers.host ?? 'localhost';
    const secure = request.headers['x-forwarded-proto'] === 'https';
    return renderAltair({
      baseURL: `${EXPLORER_PATH}/`,
      endpointURL: '/graphql',
      subscriptionsEndpoint: `${secure ? 'wss' : 'ws'}://${host}/graphql`,
      initialSubscriptionRequestHandlerId: 'graphql-ws',
      initialQuery: 'mutation { createSession { id createdAt } }',
      disableAccount: true,
    });
  }
}
