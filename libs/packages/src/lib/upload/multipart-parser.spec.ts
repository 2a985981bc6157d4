import { randomBytes } from 'node:crypto';
import { MultipartError, MultipartParser, multipartBoundary, type PartHeaders } from './multipart-parser';

const BOUNDARY = '----scorm-merge-test-boundary';

interface ParsedPart extends PartHeaders {
  data: Buffer;
}

function body(parts: Array<{ headers: string; data: Buffer | string }>, boundary = BOUNDARY): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(`--${boundary}\r\n${part.headers}\r\n\r\n`));
    pieces.push(Buffer.from(part.data));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

function fileHeaders(filename: string, name = 'files'): string {
  return `Content-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/zip`;
}

/** Feeds `input` in pieces cut at the given offsets and returns every part, its data copied. */
function parse(input: Buffer, cuts: number[] = [], boundary = BOUNDARY): ParsedPart[] {
  const parts: ParsedPart[] = [];
  let data: Buffer[] = [];
  let headers: PartHeaders | null = null;
  const parser = new MultipartParser(boundary, {
    onPartStart: (part) => {
      headers = part;
      data = [];
    },
    onPartData: (slice) => data.push(Buffer.from(slice)),
    onPartEnd: () => parts.push({ ...(headers as PartHeaders), data: Buffer.concat(data) }),
  });
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    parser.write(input.subarray(from, cut));
    from = cut;
  }
  parser.end();
  return parts;
}

describe('MultipartParser', () => {
  it('reads files and fields with their names and exact bytes', () => {
    const zip = randomBytes(70_000);
    const parts = parse(
      body([
        { headers: fileHeaders('first.zip'), data: zip },
        { headers: 'Content-Disposition: form-data; name="note"', data: 'hello' },
        { headers: fileHeaders('empty.zip'), data: Buffer.alloc(0) },
      ]),
    );
    expect(parts.map(({ name, filename }) => ({ name, filename }))).toEqual([
      { name: 'files', filename: 'first.zip' },
      { name: 'note', filename: undefined },
      { name: 'files', filename: 'empty.zip' },
    ]);
    expect(parts[0].data.equals(zip)).toBe(true);
    expect(parts[1].data.toString()).toBe('hello');
    expect(parts[2].data.length).toBe(0);
  });

  it('gives the same parts wherever the chunks are cut, even through a boundary', () => {
    // Data full of near-boundaries: a CR, CRLF, CRLF-- and a boundary missing its last character.
    const tricky = Buffer.concat([
      Buffer.from(`x\r\r\n-\r\n--\r\n--${BOUNDARY.slice(0, -1)}Z`),
      randomBytes(64),
      Buffer.from('\r'),
    ]);
    const input = body([
      { headers: fileHeaders('a.zip'), data: tricky },
      { headers: fileHeaders('b.zip'), data: tricky },
    ]);
    const expected = parse(input);
    expect(expected.map((part) => part.data.equals(tricky))).toEqual([true, true]);
    for (let cut = 1; cut < input.length; cut++) {
      expect(parse(input, [cut])).toEqual(expected);
    }
    const everyByte = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
    expect(parse(input, everyByte)).toEqual(expected);
  });

  it('ignores the preamble, the epilogue and padding after a boundary', () => {
    const input = Buffer.from(
      `This is a preamble.\r\n--${BOUNDARY} \t\r\n${fileHeaders('a.zip')}\r\n\r\nDATA\r\n--${BOUNDARY}--\r\nepilogue --${BOUNDARY}\r\n`,
    );
    const parts = parse(input);
    expect(parts).toHaveLength(1);
    expect(parts[0].data.toString()).toBe('DATA');
  });

  it('decodes UTF-8 names, escaped quotes and RFC 5987 names, preferring the latter', () => {
    const parts = parse(
      body([
        { headers: fileHeaders('Сертификация 安全.zip'), data: '1' },
        {
          headers: 'Content-Disposition: form-data; name="files"; filename="say \\"hi\\".zip"',
          data: '2',
        },
        {
          headers:
            'Content-Disposition: form-data; name=files; filename="fallback.zip"; filename*=UTF-8\'\'%E2%82%AC%20rates.zip',
          data: '3',
        },
        { headers: 'content-disposition: FORM-DATA; NAME="files"; FILENAME="upper.zip"', data: '4' },
      ]),
    );
    expect(parts.map((part) => part.filename)).toEqual([
      'Сертификация 安全.zip',
      'say "hi".zip',
      '€ rates.zip',
      'upper.zip',
    ]);
  });

  it('throws a MultipartError for bodies that are not well-formed', () => {
    const cases: Array<[string, Buffer]> = [
      ['no final boundary', body([{ headers: fileHeaders('a.zip'), data: 'x' }]).subarray(0, -20)],
      ['no boundary at all', Buffer.from('just some bytes')],
      ['no Content-Disposition', body([{ headers: 'Content-Type: application/zip', data: 'x' }])],
      ['no field name', body([{ headers: 'Content-Disposition: form-data; filename="a.zip"', data: 'x' }])],
      ['not form-data', body([{ headers: 'Content-Disposition: attachment; name="a"', data: 'x' }])],
      ['junk after a boundary', Buffer.from(`--${BOUNDARY}junk\r\n\r\n\r\n--${BOUNDARY}--`)],
      ['endless headers', Buffer.from(`--${BOUNDARY}\r\nX-Pad: ${'a'.repeat(20_000)}`)],
    ];
    for (const [, input] of cases) {
      expect(() => parse(input)).toThrow(MultipartError);
    }
  });

  it('refuses headers over the limit even when they arrive in small pieces', () => {
    const parser = new MultipartParser(
      BOUNDARY,
      { onPartStart: () => undefined, onPartData: () => undefined, onPartEnd: () => undefined },
      { maxHeaderBytes: 100 },
    );
    parser.write(Buffer.from(`--${BOUNDARY}\r\n`));
    expect(() => {
      for (let i = 0; i < 20; i++) parser.write(Buffer.from('X-Header: padding\r\n'));
    }).toThrow(/exceed 100 bytes/);
  });

  it('hands out part data without copying large chunks', () => {
    const zip = randomBytes(256 * 1024);
    const input = body([{ headers: fileHeaders('a.zip'), data: zip }]);
    const slices: Buffer[] = [];
    const parser = new MultipartParser(BOUNDARY, {
      onPartStart: () => undefined,
      onPartData: (slice) => slices.push(slice),
      onPartEnd: () => undefined,
    });
    parser.write(input);
    parser.end();
    expect(slices).toHaveLength(1);
    expect(slices[0].buffer).toBe(input.buffer);
  });
});

describe('multipartBoundary', () => {
  it('reads plain and quoted boundaries and refuses anything else', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('multipart/form-data')).toBeNull();
    expect(multipartBoundary('multipart/form-data; boundary=')).toBeNull();
    expect(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
    expect(multipartBoundary('multipart/mixed; boundary=abc')).toBeNull();
  });
});
