// mime-types comes with express (Nest's HTTP platform) and ships no types of its own.
declare module 'mime-types' {
  /** The media type of a file name's extension, or false when unknown. */
  export function lookup(path: string): string | false;
}
