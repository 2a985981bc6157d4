import { Controller, Get, Header, Res } from '@nestjs/common';
import { renderAltair } from 'altair-static';
import type { ResponseWithNonce } from '../http/security-headers';

export const EXPLORER_PATH = '/explorer';

/**
 * Altair, served from node_modules: a GraphQL explorer with subscriptions that needs no internet.
 * Endpoints are relative, so nothing from the request (its Host above all) is written into the page;
 * its one inline script runs under this response's CSP nonce.
 */
@Controller('explorer')
export class ExplorerController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Res({ passthrough: true }) response: ResponseWithNonce): string {
    return renderAltair({
      baseURL: `${EXPLORER_PATH}/`,
      endpointURL: '/graphql',
      // Browsers resolve a relative WebSocket URL against the page (ws: or wss: as the page is served).
      subscriptionsEndpoint: '/graphql',
      initialSubscriptionRequestHandlerId: 'graphql-ws',
      initialQuery: 'mutation { createSession { id createdAt } }',
      cspNonce: response.locals.cspNonce,
      disableAccount: true,
      initialSettings: {
        // No online banners (the "AI" upsell among them), update checks or push notifications.
        'banners.disable': true,
        'alert.disableUpdateNotification': true,
        disablePushNotification: true,
      },
    });
  }
}
