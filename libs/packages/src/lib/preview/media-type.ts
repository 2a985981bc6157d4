// mime-types (mime-db's extension table) comes with express, Nest's HTTP platform, and ships no types:
// its one function used here is typed by hand.
const mimeTypes = require('mime-types') as { lookup(path: string): string | false };

/** The media type of a package file by its extension; unknown ones are plain bytes. */
export function mediaTypeOf(fileName: string): string {
  return mimeTypes.lookup(fileName) || 'application/octet-stream';
}
