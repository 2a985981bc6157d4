import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client';

/** An error whose message is safe and useful to show to the user. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

const UNREACHABLE = 'Could not reach the server. Check that it is running and try again.';

/** Turns anything thrown by a request (REST or GraphQL) into a message for the user. */
export function describeError(error: unknown): string {
  if (error instanceof RequestError) {
    return error.message;
  }
  if (CombinedGraphQLErrors.is(error)) {
    const messages = error.errors.map((item) => item.message).filter(Boolean);
    return messages.length ? messages.join(' ') : 'The server could not do that.';
  }
  if (ServerError.is(error)) {
    return messageOf(parseJson(error.bodyText)) ?? `The server answered ${error.statusCode}.`;
  }
  if (ServerParseError.is(error)) {
    return 'The server sent an answer that could not be read.';
  }
  if (error instanceof TypeError || isHttpErrorResponse(error)) {
    return UNREACHABLE;
  }
  return 'Something went wrong. Please try again.';
}

/** Angular's HttpClient reports a network failure as status 0. */
function isHttpErrorResponse(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    (error as { status: unknown }).status === 0
  );
}

export function parseJson(text: string | null | undefined): unknown {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The API sends `{ message }` JSON with 4xx/5xx (NestJS validation: an array of messages);
 * GraphQL over HTTP sends `{ errors: [{ message }] }`.
 */
export function messageOf(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && 'errors' in body && Array.isArray(body.errors)) {
    const messages = (body.errors as unknown[]).map((error) => messageOf(error)).filter(Boolean);
    return messages.length ? messages.join(' ') : undefined;
  }
  if (typeof body !== 'object' || body === null || !('message' in body)) {
    return undefined;
  }
  const { message } = body;
  if (typeof message === 'string' && message.trim()) {
    return message;
  }
  if (Array.isArray(message) && message.length && message.every((item) => typeof item === 'string')) {
    return message.join(' ');
  }
  return undefined;
}
