import { Controller, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UploadRequestError } from './upload-errors';
import { UploadService } from './upload.service';

/** Up to this much of a refused upload's body is read and dropped, so the client gets its answer. */
const DRAIN_MAX_BYTES = 1024 * 1024;

@Controller('api/sessions/:sessionId/packages')
export class UploadController {
  constructor(private readonly upload: UploadService) {}

  /**
   * Multipart field `files`, one or many zips; one answer entry per file, invalid ones with `error`.
   * The answer is written directly: a browser sends one request per file, and Express's generic
   * res.json (content-type parsing, freshness checks) is measurable at that rate.
   */
  @Post()
  async uploadPackages(
    @Param('sessionId') sessionId: string,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    let body: string;
    try {
      body = JSON.stringify(await this.upload.receive(sessionId, request));
    } catch (error) {
      if (error instanceof UploadRequestError) {
        // A refusal before a large body was read (quota, storage) must not then read it: Node would
        // drain the rest of a 250 MB body to keep the connection, so closing it ends the upload at once.
        // A small body is drained instead: closing on a client still sending it breaks its request
        // (EPIPE) before it can read the answer.
        if (!request.complete && !(declaredLength(request) <= DRAIN_MAX_BYTES)) {
          response.setHeader('Connection', 'close');
        }
        throw new HttpException({ statusCode: error.status, message: error.message }, error.status);
      }
      throw error;
    }
    response.writeHead(201, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
  }
}

/** The body's declared size; NaN for a chunked body, whose size nobody knows yet. */
function declaredLength(request: IncomingMessage): number {
  const header = request.headers['content-length'];
  return header === undefined ? Number.NaN : Number(header);
}
