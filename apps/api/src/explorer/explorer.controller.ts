import { Controller, Get, Header } from '@nestjs/common';
import { renderAltair } from 'altair-static';

export const EXPLORER_PATH = '/explorer';

/** Altair's start-up options; the endpoints are added in the browser, from the page's own address. */
const ALTAIR_OPTIONS = {
  initialSubscriptionRequestHandlerId: 'graphql-ws',
  initialQuery: 'mutation { createSession { id createdAt } }',
  disableAccount: true,
  initialSettings: {
    // No online banners (the "AI" upsell among them), update checks or push notifications.
    'banners.disable': true,
    'alert.disableUpdateNotification': true,
    disablePushNotification: true,
  },
};

/**
 * Starts Altair with endpoints on the page's own origin. Altair needs absolute URLs (it does not resolve
 * a relative WebSocket one), and the server must not build them from the request's Host header.
 */
const INIT_SCRIPT = `const options = ${JSON.stringify(ALTAIR_OPTIONS)};
const endpoint = new URL('/graphql', location.href);
const subscriptions = new URL(endpoint);
subscriptions.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
AltairGraphQL.init({ ...options, endpointURL: endpoint.href, subscriptionsEndpoint: subscriptions.href });
`;

/**
 * Altair, served from node_modules: a GraphQL explorer with subscriptions that needs no internet.
 * Its page is the same for every request and has no inline script: it loads its options from init.js.
 */
@Controller('explorer')
export class ExplorerController {
  private readonly page = renderAltair({
    baseURL: `${EXPLORER_PATH}/`,
    serveInitialOptionsInSeperateRequest: 'init.js',
  });

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  explorerPage(): string {
    return this.page;
  }

  @Get('init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  initScript(): string {
    return INIT_SCRIPT;
  }
}
