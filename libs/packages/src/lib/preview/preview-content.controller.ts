import { Controller, Get, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { PackageError, type ZipEntryInfo } from '@scorm-merge/scorm';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseByteRange } from './byte-range';
import { bridgeScript } from './bridge-script';
import { bridgeScriptTag, injectBridgeTag } from './bridge-injection';
import { entryPathFromUrl } from './content-path';
import { mediaTypeOf } from './media-type';
import {
  PREVIEW_KINDS,
  PreviewCapability,
  type PreviewCapabilityClaim,
  type PreviewKind,
} from './preview-capability';
import { PreviewCourses, type PreviewSource } from './preview-courses.service';
import { PREVIEW_OPTIONS, type PreviewOptions } from './preview-options';
import type { PooledArchive } from './zip-archive-pool';

/** HTML larger than this is served as stored, without the bridge (no SCO launch page is near it). */
const MAX_BRIDGED_HTML_BYTES = 16 * 1024 * 1024;
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
/** The content sandbox when content shares the app's origin: scripts run, in an opaque origin. */
export const CONTENT_SANDBOX = 'sandbox allow-scripts allow-forms allow-popups';

const notFound = (): NotFoundException => new NotFoundException('Not found');

/**
 * Package content for the player, read straight from the stored zip: `/preview/<kind>/<capability>/<path>`.
 * The capability (see PreviewCapability) stands in for the session id, which the framed page could read.
 */
@Controller('preview')
export class PreviewContentController {
  private readonly bridge: Buffer;

  constructor(
    private readonly courses: PreviewCourses,
    private readonly capability: PreviewCapability,
    @Inject(PREVIEW_OPTIONS) private readonly options: PreviewOptions,
  ) {
    this.bridge = Buffer.from(bridgeScript(options.crossFrameApiScript), 'utf8');
  }

  /** The LMS API bridge every served HTML document loads first. */
  @Get('bridge.js')
  bridgeScript(@Res() response: Response): void {
    response.status(200).set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Length': String(this.bridge.length),
      'Cache-Control': 'public, max-age=300',
      // Loaded by sandboxed documents, whose origin is opaque and so never this one.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    response.end(this.bridgeOrNothing(response));
  }

  @Get(':kind/:capability/*path')
  async content(
    @Param('kind') kind: string,
    @Param('capability') segment: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { source, claim } = await this.authorize(kind, segment);
    const rawPath = request.originalUrl.split('?')[0].split('/').slice(4).join('/');
    const path = entryPathFromUrl(rawPath);
    if (path === null) throw notFound();
    const { course, pooled } = await this.open(source);
    const entry = pooled.entriesByName.get(course.outline.rootFolder + path);
    if (!entry) throw notFound();
    const headers = this.contentHeaders(claim.appOrigin, course.launchPaths.has(path));
    await this.send(request, response, pooled, entry, headers, claim.appOrigin, course.outline.family);
  }

  /** The source the capability names, if it exists and the capability was made for its session. */
  private async authorize(
    kind: string,
    segment: string,
  ): Promise<{ source: PreviewSource; claim: PreviewCapabilityClaim }> {
    if (!PREVIEW_KINDS.includes(kind as PreviewKind)) throw notFound();
    const claim = this.capability.read(kind as PreviewKind, segment);
    if (!claim) throw notFound();
    const source = await this.courses.findSource(claim.kind, claim.id);
    if (!source || !this.capability.verify(source.sessionId, claim, claim.mac)) throw notFound();
    return { source, claim };
  }

  private async open(source: PreviewSource) {
    try {
      const course = await this.courses.course(source);
      return { course, pooled: await this.courses.archives.get(source.zipPath) };
    } catch (error) {
      // Its zip went away (removed, expired) after the row was read, or cannot be read at all.
      if (error instanceof PackageError || (error as NodeJS.ErrnoException).code === 'ENOENT')
        throw notFound();
      throw error;
    }
  }

  private async send(
    request: Request,
    response: Response,
    pooled: PooledArchive,
    entry: ZipEntryInfo,
    headers: Record<string, string>,
    appOrigin: string,
    family: string,
  ): Promise<void> {
    const type = mediaTypeOf(entry.name);
    const etag = `"${(entry.crc32 >>> 0).toString(16)}-${entry.uncompressedSize.toString(16)}"`;
    // setHeader, not express's set: that would add "charset=utf-8" and override a page's own <meta charset>.
    for (const [name, value] of Object.entries({ ...headers, 'Content-Type': type, ETag: etag })) {
      response.setHeader(name, value);
    }
    if (request.headers['if-none-match'] === etag) {
      response.status(304).end();
      return;
    }
    const isHead = request.method === 'HEAD';
    if (HTML_TYPES.has(type) && entry.uncompressedSize <= MAX_BRIDGED_HTML_BYTES) {
      // Learners' files stay as stored: the bridge is added to what is sent, for preview only.
      const html = injectBridgeTag(
        await readOrNotFound(() => pooled.archive.readEntry(entry, MAX_BRIDGED_HTML_BYTES)),
        bridgeScriptTag(appOrigin, family),
      );
      response.status(200).set('Content-Length', String(html.length));
      response.end(isHead ? undefined : html);
      return;
    }
    response.set('Accept-Ranges', 'bytes');
    const size = entry.uncompressedSize;
    const range = parseByteRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      response
        .status(416)
        .set({ 'Content-Range': `bytes */${size}`, 'Content-Length': '0' })
        .end();
      return;
    }
    const [start, end] = range ? [range.start, range.end + 1] : [0, size];
    response.status(range ? 206 : 200).set('Content-Length', String(end - start));
    if (range) response.set('Content-Range', `bytes ${start}-${end - 1}/${size}`);
    if (isHead) {
      response.end();
      return;
    }
    const body = await readOrNotFound<Readable>(() =>
      range ? pooled.archive.openEntryRange(entry, start, end) : pooled.archive.openEntryStream(entry),
    );
    // A read that fails half-way (a damaged entry) cuts the response: its length says it is incomplete.
    await pipeline(body, response).catch(() => response.destroy());
  }

  /**
   * Headers of a served file. Only the app origin that asked for the preview may frame the documents
   * the player frames (the items' launch documents). With content on preview.origin, pages of the
   * package may frame each other ('self'). In the sandbox, every document is in an opaque origin that
   * Chromium matches against no frame-ancestors source at all, not even `*`, so the pages a launch
   * document frames itself go without one; they hold nothing the launch document does not.
   */
  private contentHeaders(appOrigin: string, isLaunchDocument: boolean): Record<string, string> {
    const common = {
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    };
    if (this.options.origin) {
      return {
        ...common,
        'Content-Security-Policy': `frame-ancestors ${appOrigin} 'self'`,
        'Cross-Origin-Resource-Policy': 'same-origin',
      };
    }
    return {
      ...common,
      'Content-Security-Policy': isLaunchDocument
        ? `${CONTENT_SANDBOX}; frame-ancestors ${appOrigin}`
        : CONTENT_SANDBOX,
      // Its own pages load these from an opaque origin, which is never "same" as anything.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
  }

  private bridgeOrNothing(response: Response): Buffer | undefined {
    return response.req.method === 'HEAD' ? undefined : this.bridge;
  }
}

/** A zip read refused for the entry's own sake (encrypted, unsupported, damaged) answers 404. */
async function readOrNotFound<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof PackageError) throw notFound();
    throw error;
  }
}
