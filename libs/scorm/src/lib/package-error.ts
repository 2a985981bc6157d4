/**
 * A problem with an uploaded package. The message is shown to the user as is,
 * so it must say what is wrong in plain words and never leak server paths.
 */
export class PackageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PackageError';
  }
}
