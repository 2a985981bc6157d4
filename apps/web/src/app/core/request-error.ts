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

/** Turns anything thrown by a request into a message for the user. */
export function describeError(error: unknown): string {
  if (error instanceof RequestError) {
    return error.message;
  }
  if (error instanceof TypeError) {
    // fetch() rejects with a TypeError when the server cannot be reached.
    return 'Could not reach the server. Check that it is running and try again.';
  }
  return 'Something went wrong. Please try again.';
}

/** Reads a response body as JSON; `undefined` when it is empty or not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the error for a failed answer from its already-read body: the API sends
 * `{ message }` JSON with 4xx/5xx; otherwise the HTTP status is reported.
 */
export function errorFromResponse(response: Response, body: unknown): RequestError {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new RequestError(messageOf(body) ?? `The server answered ${status}.`, response.status);
}

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('message' in body)) {
    return undefined;
  }
  const { message } = body;
  if (typeof message === 'string' && message.trim()) {
    return message;
  }
  // NestJS validation errors send an array of messages.
  if (Array.isArray(message) && message.length && message.every((item) => typeof item === 'string')) {
    return message.join(' ');
  }
  return undefined;
}
