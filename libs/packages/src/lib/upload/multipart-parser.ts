/** The headers of one part of a multipart/form-data body that matter to an upload. */
export interface PartHeaders {
  /** The form field name. */
  name: string;
  /** The file name the client sent; undefined for a plain field. */
  filename: string | undefined;
}

export interface MultipartCallbacks {
  onPartStart(part: PartHeaders): void;
  /** A slice of the chunk given to write(): no copy is made, so keep it only as long as that chunk is valid. */
  onPartData(data: Buffer): void;
  onPartEnd(): void;
}

export interface MultipartLimits {
  /** The header block of one part, in bytes. */
  maxHeaderBytes: number;
}

/** The body is not well-formed multipart/form-data. */
export class MultipartError extends Error {}

const CR = 0x0d;
const HEADER_END = Buffer.from('\r\n\r\n');
const DEFAULT_LIMITS: MultipartLimits = { maxHeaderBytes: 16 * 1024 };

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'done';

/**
 * A streaming multipart/form-data parser (RFC 7578). It finds boundaries with Buffer.indexOf and hands
 * out part data as slices of the incoming chunks, so a large upload costs a search per socket read and
 * no copies. Only bytes that may begin a boundary are held back between chunks.
 */
export class MultipartParser {
  private readonly delimiter: Buffer;
  private readonly limits: MultipartLimits;
  /** The RFC's delimiter includes the CRLF before "--boundary"; the first one may have none. */
  private held: Buffer | null = Buffer.from('\r\n');
  private state: State = 'preamble';

  constructor(
    boundary: string,
    private readonly callbacks: MultipartCallbacks,
    limits: Partial<MultipartLimits> = {},
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** True once the closing boundary has been read; anything after it is ignored. */
  get finished(): boolean {
    return this.state === 'done';
  }

  write(chunk: Buffer): void {
    if (this.state === 'done' || chunk.length === 0) return;
    let data = chunk;
    let pos = 0;
    const firstLine = this.delimiter.subarray(2);
    if (this.state === 'preamble' && this.held?.length === 2 && startsWith(chunk, firstLine)) {
      // The usual start, "--boundary" at offset 0: no copy of the first chunk is needed.
      this.held = null;
      this.state = 'afterDelimiter';
      pos = firstLine.length;
    } else if (this.held) {
      data = Buffer.concat([this.held, chunk]);
      this.held = null;
    }
    while (pos < data.length && !this.finished) {
      if (this.state === 'preamble' || this.state === 'body') pos = this.scanContent(data, pos);
      else if (this.state === 'afterDelimiter') pos = this.readAfterDelimiter(data, pos);
      else pos = this.readHeaders(data, pos);
    }
  }

  /** Call when the body has ended; throws when it ended before the closing boundary. */
  end(): void {
    if (this.state !== 'done') {
      throw new MultipartError(
        this.state === 'preamble'
          ? 'no multipart boundary was found'
          : 'the body ended before the last boundary',
      );
    }
  }

  /** Preamble or part data up to the next delimiter. Returns where to go on, or data.length when all is used. */
  private scanContent(data: Buffer, pos: number): number {
    const found = data.indexOf(this.delimiter, pos);
    if (found === -1) {
      const keep = this.possibleDelimiterStart(data, pos);
      if (this.state === 'body' && keep > pos) this.callbacks.onPartData(data.subarray(pos, keep));
      if (keep < data.length) this.held = Buffer.from(data.subarray(keep));
      return data.length;
    }
    if (this.state === 'body') {
      if (found > pos) this.callbacks.onPartData(data.subarray(pos, found));
      this.callbacks.onPartEnd();
    }
    this.state = 'afterDelimiter';
    return found + this.delimiter.length;
  }

  /** Where a delimiter might begin in the last bytes of data, so those are held for the next chunk. */
  private possibleDelimiterStart(data: Buffer, pos: number): number {
    for (
      let at = data.indexOf(CR, Math.max(pos, data.length - this.delimiter.length + 1));
      at !== -1;
      at = data.indexOf(CR, at + 1)
    ) {
      if (data.subarray(at).equals(this.delimiter.subarray(0, data.length - at))) return at;
    }
    return data.length;
  }

  /** "--" closes the body; otherwise optional whitespace and CRLF lead to the part's headers. */
  private readAfterDelimiter(data: Buffer, pos: number): number {
    let at = pos;
    if (data.length - at < 2) return this.hold(data, pos);
    if (data[at] === 0x2d && data[at + 1] === 0x2d) {
      this.state = 'done';
      return data.length;
    }
    while (at < data.length && (data[at] === 0x20 || data[at] === 0x09)) at++;
    if (data.length - at < 2) {
      if (at - pos > 1024) throw new MultipartError('a boundary line is too long');
      return this.hold(data, pos);
    }
    if (data[at] !== CR || data[at + 1] !== 0x0a) {
      throw new MultipartError('a boundary is not followed by a line break');
    }
    this.state = 'headers';
    // The line break stays: a part without headers is then just "\r\n\r\n", like any other.
    return at;
  }

  private readHeaders(data: Buffer, pos: number): number {
    const end = data.indexOf(HEADER_END, pos);
    if (end === -1) {
      if (data.length - pos > this.limits.maxHeaderBytes) {
        throw new MultipartError(`the headers of a part exceed ${this.limits.maxHeaderBytes} bytes`);
      }
      return this.hold(data, pos);
    }
    if (end - pos > this.limits.maxHeaderBytes) {
      throw new MultipartError(`the headers of a part exceed ${this.limits.maxHeaderBytes} bytes`);
    }
    this.callbacks.onPartStart(parsePartHeaders(data.toString('utf8', pos + 2, end)));
    this.state = 'body';
    return end + HEADER_END.length;
  }

  private hold(data: Buffer, pos: number): number {
    this.held = Buffer.from(data.subarray(pos));
    return data.length;
  }
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}

/** The boundary parameter of a multipart/form-data content type, or null when there is none. */
export function multipartBoundary(contentType: string): string | null {
  const [type, ...rest] = splitParameters(contentType);
  if (type?.toLowerCase() !== 'multipart/form-data') return null;
  const boundary = rest.find((param) => param.name === 'boundary')?.value;
  // RFC 2046: 1 to 70 characters, not ending in a space.
  if (!boundary || boundary.length > 70 || boundary.endsWith(' ')) return null;
  return boundary;
}

function parsePartHeaders(block: string): PartHeaders {
  let disposition: string | null = null;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-disposition') {
      disposition = line.slice(colon + 1);
    }
  }
  if (disposition === null) throw new MultipartError('a part has no Content-Disposition header');
  const [type, ...params] = splitParameters(disposition);
  if (type?.toLowerCase() !== 'form-data') throw new MultipartError('a part is not form-data');
  const param = (name: string) => params.find((p) => p.name === name)?.value;
  const name = param('name');
  if (name === undefined) throw new MultipartError('a part has no field name');
  return { name, filename: decodeExtendedValue(param('filename*')) ?? param('filename') };
}

/** "type; a=b; c="quoted \"value\"" → the type first, then each parameter, names in lower case. */
function splitParameters(header: string): [string | undefined, ...Array<{ name: string; value: string }>] {
  const firstSemicolon = header.indexOf(';');
  const type = (firstSemicolon === -1 ? header : header.slice(0, firstSemicolon)).trim();
  const params: Array<{ name: string; value: string }> = [];
  let at = firstSemicolon === -1 ? header.length : firstSemicolon + 1;
  while (at < header.length) {
    const equals = header.indexOf('=', at);
    if (equals === -1) break;
    const name = header
      .slice(at, equals)
      .replace(/^[\s;]+/, '')
      .trim()
      .toLowerCase();
    let value = '';
    at = equals + 1;
    while (header[at] === ' ' || header[at] === '\t') at++;
    if (header[at] === '"') {
      at++;
      while (at < header.length && header[at] !== '"') {
        if (header[at] === '\\' && at + 1 < header.length) at++;
        value += header[at++];
      }
      at++;
      const next = header.indexOf(';', at);
      at = next === -1 ? header.length : next + 1;
    } else {
      const next = header.indexOf(';', at);
      value = header.slice(at, next === -1 ? header.length : next).trim();
      at = next === -1 ? header.length : next + 1;
    }
    if (name) params.push({ name, value });
  }
  return [type || undefined, ...params];
}

/** RFC 5987: charset'language'percent-encoded; undefined when absent or not decodable. */
function decodeExtendedValue(value: string | undefined): string | undefined {
  const match = value ? /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value) : null;
  if (!match) return undefined;
  try {
    const bytes = Buffer.from(
      match[2].replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
    return new TextDecoder(match[1].toLowerCase(), { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
