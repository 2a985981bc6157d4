import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

const API_PREFIXES = ['/api/', '/graphql', '/health', '/explorer'];

/** Serves the built Angular app at `/`, with its index page for client-side routes like /s/:id. */
export function serveWebApp(app: NestExpressApplication, webDir: string): void {
  const index = join(webDir, 'index.html');
  if (!existsSync(index)) {
    new Logger('WebApp').warn({ msg: 'web app not built; only the API is served', webDir });
    return;
  }
  app.useStaticAssets(webDir, { index: false, maxAge: '1h' });
  app.use(
    (
      request: IncomingMessage,
      response: ServerResponse & { sendFile(path: string): void },
      next: () => void,
    ) => {
      const path = (request.url ?? '/').split('?')[0];
      const isPage =
        request.method === 'GET' &&
        !API_PREFIXES.some((prefix) => path.startsWith(prefix)) &&
        !/\.[a-z0-9]+$/i.test(path);
      if (isPage) response.sendFile(index);
      else next();
    },
  );
}
