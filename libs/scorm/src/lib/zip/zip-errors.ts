import { PackageError } from '../package-error';

const FRIENDLY_ZIP_ERRORS: Array<[RegExp, (entryName: string) => string]> = [
  [/strong encryption|is encrypted/i, () => encryptedMessage()],
  [/multi-disk/i, () => 'Split (multi-part) zip archives are not supported; upload a single zip file.'],
  [
    /unsupported compression method/i,
    (n) =>
      `"${n}" uses a compression method other than deflate; re-zip the package with a standard zip tool.`,
  ],
  [
    /too many bytes|not enough bytes|size mismatch/i,
    (n) => `The zip archive is damaged: the size recorded for "${n}" does not match its data.`,
  ],
  [/unexpected EOF|overflows file bounds|truncated/i, () => 'The zip archive is truncated or damaged.'],
];

const UNSAFE_NAME_ERRORS: Array<[RegExp, string]> = [
  [/^absolute path: (.*)$/i, 'an absolute path'],
  [/^invalid relative path: (.*)$/i, 'a path that leaves the package folder'],
  [/^invalid characters in fileName: (.*)$/i, 'an invalid name'],
];

/** Turns zip-format errors (worded as yauzl words them) and zlib errors into messages a user can act on. */
export function toPackageError(err: unknown, entryName = ''): PackageError {
  if (err instanceof PackageError) return err;
  const message = err instanceof Error ? err.message : String(err);
  for (const [pattern, what] of UNSAFE_NAME_ERRORS) {
    const match = pattern.exec(message);
    // Named so the author can find it; quoted, never interpreted.
    if (match)
      return new PackageError(
        `The zip contains an entry with ${what} ("${match[1]}"), which is not allowed.`,
        { cause: err },
      );
  }
  for (const [pattern, describe] of FRIENDLY_ZIP_ERRORS) {
    if (pattern.test(message)) return new PackageError(describe(entryName), { cause: err });
  }
  // Anything else yauzl or zlib reports means the bytes are not a sound zip.
  return new PackageError('The zip archive is truncated or damaged.', { cause: err });
}

export function encryptedMessage(): string {
  return 'The zip is encrypted (password-protected); SCORM packages must not be.';
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
