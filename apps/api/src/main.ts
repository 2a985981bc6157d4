import './thread-pool';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDistDirectory } from 'altair-static';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { loadAppConfig } from './config/app-config';
import { EXPLORER_PATH } from './explorer/explorer.controller';
import { RedactingConsoleLogger } from './logging/redacting-console-logger';
import { refuseForeignOrigins, refuseForeignWebSocketOrigins } from './http/allowed-origins';
import { securityHeaders } from './http/security-headers';
import { separatePreviewHost } from './http/preview-host';
import { CONTENT_SANDBOX } from '@scorm-merge/packages';
import { applySlowClientTimeouts } from './http/slow-client-timeouts';
import { requestLogger } from './logging/request-logger';
import { serveWebApp } from './web/web-app';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const logger = new RedactingConsoleLogger({ json: config.server.logFormat === 'json', colors: false });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { logger });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // req.ip (the rate-limit client) and the request's own origin come from X-Forwarded-* only behind a trusted proxy.
  app.set('trust proxy', config.server.trustProxy);
  // API answers are never revalidated, so hashing each one for an ETag is wasted CPU; static files keep theirs.
  app.set('etag', false);
  app.use(requestLogger);
  app.use(securityHeaders({ previewOrigin: config.preview.origin, contentSandbox: CONTENT_SANDBOX }));
  app.use(separatePreviewHost(config.preview.origin, config.server.trustProxy));
  app.use(refuseForeignOrigins(config.server));
  if (config.explorer.enabled) {
    app.useStaticAssets(getDistDirectory(), { prefix: `${EXPLORER_PATH}/`, index: false, redirect: false });
  }
  serveWebApp(app, process.env['WEB_DIR'] ?? join(__dirname, '..', 'web', 'browser'));
  await app.init();
  refuseForeignWebSocketOrigins(app.getHttpServer(), config.server);
  applySlowClientTimeouts(app.getHttpServer(), config.server);
  await app.listen(config.server.port, config.server.host);
  const port = (app.getHttpServer().address() as { port: number }).port;
  Logger.log(
    {
      msg: 'SCORM Merge is running',
      url: `http://localhost:${port}/`,
      explorer: config.explorer.enabled ? `http://localhost:${port}${EXPLORER_PATH}` : 'disabled',
      dataDir: config.server.dataDir,
    },
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  console.error(
    JSON.stringify({
      level: 'fatal',
      msg: 'start-up failed',
      error: String((error as Error)?.stack ?? error),
    }),
  );
  process.exit(1);
});
