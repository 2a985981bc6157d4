/** A problem with the request as a whole (not with one file): answered with a status and a JSON message. */
export class UploadRequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 507,
    message: string,
  ) {
    super(message);
  }
}
