import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { DATABASE_UNAVAILABLE_MESSAGE, databaseUnavailableReason } from './database-unavailable';
import { httpExceptionMessage, INTERNAL_ERROR_MESSAGE } from './error-messages';

/** The one body every REST error answers with. */
export interface RestErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [detail: string]: unknown;
}

/**
 * Every REST error in one shape `{ statusCode, error, message }`: Nest's exceptions, the router's 404,
 * body-parser refusals, a lost database connection (503), and faults (a generic 500 whose detail goes
 * to the log only).
 * GraphQL errors are left to Apollo's formatError (see graphql-errors.ts).
 */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly exposeErrors: boolean,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    const body = this.bodyFor(exception);
    // A download that fails after its headers went out can only be cut short.
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    httpAdapter.reply(response, body, body.statusCode);
  }

  private bodyFor(exception: unknown): RestErrorBody {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      // Extra fields a controller put in its exception body (e.g. /health's) are kept beside the three.
      const details = typeof response === 'object' && response !== null ? response : {};
      return { ...shape(statusCode, httpExceptionMessage(exception)), ...withoutShapeFields(details) };
    }
    const clientError = exposedClientError(exception);
    if (clientError) return shape(clientError.status, clientError.message);
    if (databaseUnavailableReason(exception)) {
      this.logger.warn({ msg: 'database unavailable', error: String(exception) });
      return shape(503, DATABASE_UNAVAILABLE_MESSAGE);
    }
    this.logger.error({
      msg: 'unexpected error in a request',
      error: String((exception as Error)?.stack ?? exception),
    });
    return shape(
      500,
      this.exposeErrors ? String((exception as Error)?.message ?? exception) : INTERNAL_ERROR_MESSAGE,
    );
  }
}

function withoutShapeFields(details: object): Record<string, unknown> {
  const {
    statusCode: _statusCode,
    error: _error,
    message: _message,
    ...rest
  } = details as Record<string, unknown>;
  return rest;
}

function shape(statusCode: number, message: string): RestErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/** Express middleware errors (body-parser's, built with http-errors) carry a 4xx status and a message meant for clients. */
function exposedClientError(exception: unknown): { status: number; message: string } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { status, statusCode, expose, message } = exception as Record<string, unknown>;
  const code = typeof status === 'number' ? status : statusCode;
  if (typeof code !== 'number' || code < 400 || code >= 500 || expose === false) return undefined;
  return { status: code, message: typeof message === 'string' ? message : (STATUS_CODES[code] ?? 'Error') };
}
