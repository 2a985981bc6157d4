import type { HttpException } from '@nestjs/common';

/** What a client sees of a fault; the detail goes to the server log only. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** The message a Nest exception was thrown with, whether it was given as a string or inside a body. */
export function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}
