import { Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactSessionIds } from './session-id-redaction';

const logger = new Logger('HTTP');

/** One structured line per request; the query string is left out and session ids are cut short, as they are keys. */
export function requestLogger(
  request: IncomingMessage & { originalUrl?: string },
  response: ServerResponse,
  next: () => void,
): void {
  const started = process.hrtime.bigint();
  response.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.log({
      msg: 'request',
      method: request.method,
      path: redactSessionIds((request.originalUrl ?? request.url ?? '').split('?')[0]),
      status: response.statusCode,
      ms: Math.round(ms * 10) / 10,
    });
  });
  next();
}
