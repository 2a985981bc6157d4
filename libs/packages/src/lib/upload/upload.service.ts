import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { PackagesService, type SessionLimitedInsert } from '../packages/packages.service';
import { toPackageView } from '../packages/package-view';
import type { PackageModel } from '../packages/models/package.model';
import { PackageEntity } from '../packages/package.entity';
import { initialDescription, PackageError, titleFromFilename } from '@scorm-merge/scorm';
import { SessionsService } from '../sessions/sessions.service';
import { SessionWorkRegistry } from '../sessions/session-work.registry';
import { isOutOfSpaceError, OUT_OF_STORAGE_MESSAGE, StorageSpace } from '../storage/storage-space';
import { KeyedLock } from '../shared/keyed-lock';
import { MultipartParser, multipartBoundary } from './multipart-parser';
import { PackageInspection } from './package-inspection';
import { PackageStorage } from './package-storage';
import { UploadFileSink, type WrittenFile } from './upload-file-sink';
import { UploadRequestError } from './upload-errors';

const FILE_FIELD = 'files';
/** Above this many parts a request is refused outright: it cannot be an honest upload. */
const MAX_PARTS = 1000;
/**
 * A file holding more unwritten data than this pauses the request until its writes catch up. Kept small:
 * with 4 MiB, 500 MB of 100 MB files took 2.0-2.4 s here against 1.1-1.35 s with 1 MiB (most runs).
 */
const RECEIVE_HIGH_WATER_BYTES = 1024 * 1024;
/**
 * Multipart framing (boundaries, part headers) a request may carry beyond upload.maxFileBytes. A larger
 * Content-Length is refused before a byte is read: one request carries at most maxFileBytes of packages
 * (the web app sends one file per request).
 */
const MULTIPART_FRAMING_BYTES = 64 * 1024;
const MIB = 1024 * 1024;

interface Slot {
  position: number;
}

interface StoredFile {
  packageId: string;
  filename: string;
  sizeBytes: number;
  storagePath: string | null;
  error: string | null;
  interrupted?: boolean;
}

/** Requests of one session being received now, and the bytes their Content-Length headers hold for them. */
interface SessionUploads {
  requests: number;
  reservedBytes: number;
  /** The session's stored bytes when last read, plus what this process stored since. */
  storedBytes: number;
}

/** Streams multipart zips to disk, inspects each one and records it; one bad file never affects the others. */
@Injectable()
export class UploadService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(UploadService.name);
  private readonly sessionLock = new KeyedLock();
  /** Counts kept while uploads are in flight, so concurrent requests respect the session limit. */
  private readonly slots = new Map<string, { taken: number; nextPosition: number; inFlight: number }>();
  /** Kept from the moment a request is accepted until it is answered: quota reservations, and busy sessions. */
  private readonly receiving = new Map<string, SessionUploads>();

  constructor(
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
    private readonly sessions: SessionsService,
    private readonly packagesService: PackagesService,
    private readonly storage: PackageStorage,
    private readonly inspection: PackageInspection,
    private readonly space: StorageSpace,
    private readonly work: SessionWorkRegistry,
  ) {}

  onModuleInit(): void {
    // Retention never deletes a session while one of its uploads is being received.
    this.work.register((sessionId) => this.receiving.has(sessionId));
  }

  async onApplicationBootstrap(): Promise<void> {
    const removed = await this.storage.removeOrphans(await this.packagesService.storedPaths());
    if (removed > 0) this.logger.log({ msg: 'removed uploads no package refers to', count: removed });
  }

  async receive(sessionId: string, request: IncomingMessage): Promise<PackageModel[]> {
    if (!(await this.sessions.exists(sessionId))) {
      throw new UploadRequestError(404, `Session ${sessionId} not found`);
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
      throw new UploadRequestError(400, `Send the zips as multipart/form-data in the field "${FILE_FIELD}".`);
    }
    const boundary = multipartBoundary(contentType);
    if (!boundary) {
      throw new UploadRequestError(400, 'Malformed multipart request: the Content-Type names no boundary.');
    }
    const declaredBytes = declaredLength(request);
    const { maxFileBytes } = this.options.upload;
    if (declaredBytes !== null && declaredBytes > maxFileBytes + MULTIPART_FRAMING_BYTES) {
      throw new UploadRequestError(
        413,
        `The upload is ${formatSize(declaredBytes)}, more than the ${formatSize(maxFileBytes)} limit per package ` +
          '(one request may carry several packages, up to that size in all).',
      );
    }
    if (!(await this.space.hasRoomFor(declaredBytes ?? 0))) {
      throw new UploadRequestError(507, OUT_OF_STORAGE_MESSAGE);
    }
    // Registered as receiving before the session is checked again: retention, which skips sessions
    // receiving uploads, cannot delete it between that check and the upload's first insert.
    const uploads = this.receiving.get(sessionId) ?? { requests: 0, reservedBytes: 0, storedBytes: 0 };
    this.receiving.set(sessionId, uploads);
    uploads.requests += 1;
    let reserved = 0;
    try {
      const [exists, storedBytes] = await Promise.all([
        this.sessions.exists(sessionId),
        this.packagesService.storedBytes(sessionId),
      ]);
      if (!exists) throw new UploadRequestError(404, `Session ${sessionId} not found`);
      // From here to the reservation nothing awaits: no other request of the session can slip in between.
      uploads.storedBytes = storedBytes;
      const room = this.sessionRoom(sessionId);
      if (declaredBytes !== null && declaredBytes > room) {
        throw new UploadRequestError(
          413,
          `The upload is ${formatSize(declaredBytes)}, but this session can take only ${formatSize(Math.max(0, room))} more ` +
            `(at most ${formatSize(this.options.upload.maxSessionBytes)} per session). Remove packages to make room.`,
        );
      }
      reserved = declaredBytes ?? 0;
      uploads.reservedBytes += reserved;
      return await this.receiveParts(sessionId, request, boundary, declaredBytes !== null);
    } finally {
      uploads.reservedBytes -= reserved;
      if (--uploads.requests === 0) this.receiving.delete(sessionId);
    }
  }

  /**
   * Bytes the session may still take: upload.maxSessionBytes less its stored zips (as last read, plus what
   * this process stored since) and what requests in flight hold. Synchronous, for the multipart parser's
   * callbacks; the insert checks the database again.
   */
  private sessionRoom(sessionId: string): number {
    const uploads = this.receiving.get(sessionId);
    return this.options.upload.maxSessionBytes - (uploads?.storedBytes ?? 0) - (uploads?.reservedBytes ?? 0);
  }

  private async receiveParts(
    sessionId: string,
    request: IncomingMessage,
    boundary: string,
    lengthDeclared: boolean,
  ): Promise<PackageModel[]> {
    this.storage.createSessionFolder(sessionId);
    let results: Array<{ view: PackageModel; persisted: boolean }>;
    try {
      results = await this.readParts(sessionId, request, boundary, lengthDeclared);
    } catch (error) {
      await this.closeGaps(sessionId);
      throw error;
    }
    if (results.length === 0) {
      throw new UploadRequestError(
        400,
        `No files received: send one or more zips in the field "${FILE_FIELD}".`,
      );
    }
    if (results.some((r) => r.persisted)) await this.sessions.touch(sessionId);
    if (!(await this.closeGaps(sessionId))) return results.map((r) => r.view);
    const stored = await this.packagesService.findByIds(
      results.filter((r) => r.persisted).map((r) => r.view.id),
    );
    const fresh = new Map(stored.map((entity) => [entity.id, toPackageView(entity)]));
    return results.map((r) => fresh.get(r.view.id) ?? r.view);
  }

  /**
   * Renumbers the session's positions 0..n-1 when gaps were left (packages removed meanwhile, slots that
   * went unused) and no upload of it is in flight: the last one to finish does it. True when any moved.
   */
  private async closeGaps(sessionId: string): Promise<boolean> {
    if (this.slots.has(sessionId) || !(await this.packagesService.hasPositionGaps(sessionId))) return false;
    return (await this.packagesService.compactPositions(sessionId)) > 0;
  }

  private readParts(
    sessionId: string,
    request: IncomingMessage,
    boundary: string,
    lengthDeclared: boolean,
  ): Promise<Array<{ view: PackageModel; persisted: boolean }>> {
    return new Promise((resolve, reject) => {
      const work: Array<Promise<{ view: PackageModel; persisted: boolean }>> = [];
      // Sinks that hold more than they may: the request stays paused while any does.
      const pressing = new Set<UploadFileSink>();
      let current: UploadFileSink | null = null;
      let parts = 0;
      let failed = false;

      const fail = (error: UploadRequestError) => {
        if (failed) return;
        failed = true;
        // The part being received never completes: its write settles and its file is removed.
        current?.abort(error);
        current = null;
        request.resume();
        // Files already stored stay valid: wait for them before answering with the request error.
        void Promise.allSettled(work).then(() => reject(error));
      };
      const parser = new MultipartParser(boundary, {
        onPartStart: (part) => {
          if (++parts > MAX_PARTS) {
            throw new UploadRequestError(413, `Too many parts: at most ${MAX_PARTS} per request.`);
          }
          if (part.name !== FILE_FIELD || part.filename === undefined) return;
          // A declared length was checked against the session's room already; a chunked body is
          // bounded per part by the room left when the part starts (one query per file, none per chunk).
          const maxFileBytes = this.options.upload.maxFileBytes;
          const maxBytes = lengthDeclared
            ? maxFileBytes
            : Math.max(0, Math.min(maxFileBytes, this.sessionRoom(sessionId)));
          const sink = new UploadFileSink({
            maxBytes,
            highWaterBytes: RECEIVE_HIGH_WATER_BYTES,
            onPressure: (paused) => {
              if (paused) pressing.add(sink);
              else pressing.delete(sink);
              if (failed) return;
              if (pressing.size > 0) request.pause();
              else request.resume();
            },
          });
          current = sink;
          work.push(this.handleFile(sessionId, sink, part.filename, maxBytes < maxFileBytes));
        },
        onPartData: (data) => current?.push(data),
        onPartEnd: () => {
          current?.end();
          current = null;
        },
      });
      const failWith = (error: unknown) =>
        fail(
          error instanceof UploadRequestError
            ? error
            : new UploadRequestError(400, `Malformed multipart request: ${(error as Error).message}`),
        );

      request.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          parser.write(chunk);
        } catch (error) {
          failWith(error);
        }
      });
      request.on('end', () => {
        if (failed) return;
        try {
          parser.end();
        } catch (error) {
          failWith(error);
          return;
        }
        Promise.all(work).then(resolve, reject);
      });
      request.on('error', () =>
        fail(new UploadRequestError(400, 'The upload was interrupted by the client.')),
      );
      request.on('close', () => {
        if (!request.complete) fail(new UploadRequestError(400, 'The upload was interrupted by the client.'));
      });
    });
  }

  private async handleFile(
    sessionId: string,
    sink: UploadFileSink,
    rawFilename: string,
    boundedBySessionRoom: boolean,
  ): Promise<{ view: PackageModel; persisted: boolean }> {
    const filename = displayFilename(rawFilename);
    const slot = await this.takeSlot(sessionId);
    if (!slot) {
      sink.discard();
      return { persisted: false, view: rejectedView(filename, this.tooManyPackagesMessage()) };
    }
    try {
      const stored = await this.store(sessionId, sink, filename, boundedBySessionRoom);
      // A file whose upload broke off is not a package the user chose to keep: nothing is recorded.
      if (stored.interrupted)
        return { persisted: false, view: rejectedView(filename, stored.error as string) };
      const entity = await this.inspect(sessionId, slot, stored);
      // The last word on the session's limits is the database's: the insert checks the package count and
      // the stored bytes in the same transaction (on PostgreSQL under a lock every instance takes), so
      // concurrent uploads, to this process or to others, cannot both fit into the same room.
      let recorded: SessionLimitedInsert;
      try {
        recorded = await this.sessionLock.run(sessionId, async () => {
          const outcome = await this.packagesService.insertWithinSessionLimits(entity, {
            maxPackages: this.options.upload.maxPackagesPerSession,
            maxBytes: this.options.upload.maxSessionBytes,
          });
          const uploads = this.receiving.get(sessionId);
          if (outcome === 'inserted' && uploads && entity.storagePath)
            uploads.storedBytes += entity.sizeBytes;
          return outcome;
        });
      } catch (error) {
        this.logger.error({
          msg: 'package could not be recorded',
          sessionId,
          filename,
          error: String(error),
        });
        await this.storage.remove(entity.storagePath);
        return {
          persisted: false,
          view: rejectedView(
            filename,
            isOutOfSpaceError(error) ? OUT_OF_STORAGE_MESSAGE : 'The package could not be saved; try again.',
          ),
        };
      }
      if (recorded !== 'inserted') {
        await this.storage.remove(entity.storagePath);
        const message =
          recorded === 'session-full' ? this.sessionFullMessage() : this.tooManyPackagesMessage();
        return { persisted: false, view: rejectedView(filename, message) };
      }
      return { persisted: true, view: toPackageView(entity) };
    } finally {
      this.releaseSlot(sessionId);
    }
  }

  private async store(
    sessionId: string,
    sink: UploadFileSink,
    filename: string,
    boundedBySessionRoom: boolean,
  ): Promise<StoredFile> {
    const packageId = randomUUID();
    // Written under its final name: a file no package row names is an orphan, swept at start-up.
    const storagePath = this.storage.relativePath(sessionId, packageId);
    const path = this.storage.absolutePath(storagePath);
    const base = { packageId, filename, storagePath: null };
    let written: WrittenFile;
    try {
      written = await sink.writeTo(path);
    } catch (error) {
      await rm(path, { force: true });
      this.logger.warn({ msg: 'upload stream failed', sessionId, filename, error: (error as Error).message });
      const reason = isOutOfSpaceError(error)
        ? OUT_OF_STORAGE_MESSAGE
        : 'The upload of this file was interrupted.';
      return { ...base, sizeBytes: 0, interrupted: true, error: reason };
    }
    const sizeBytes = written.receivedBytes;
    if (written.truncated) {
      await rm(path, { force: true });
      // Nothing is kept: like an interrupted file, it is answered but not recorded.
      if (boundedBySessionRoom && sizeBytes <= this.options.upload.maxFileBytes)
        return { ...base, sizeBytes, interrupted: true, error: this.sessionFullMessage() };
      const limit = formatSize(this.options.upload.maxFileBytes);
      return { ...base, sizeBytes, error: `The file is larger than the ${limit} limit per package.` };
    }
    return { ...base, sizeBytes, storagePath, error: null };
  }

  private tooManyPackagesMessage(): string {
    return `Not added: a session holds at most ${this.options.upload.maxPackagesPerSession} packages.`;
  }

  private sessionFullMessage(): string {
    return `Not added: the session would hold more than its ${formatSize(this.options.upload.maxSessionBytes)} limit. Remove packages to make room.`;
  }

  private async inspect(sessionId: string, slot: Slot, stored: StoredFile): Promise<PackageEntity> {
    // A plain entity: TypeORM's create() walks the metadata, measurable at one call per upload.
    const entity = Object.assign(new PackageEntity(), {
      id: stored.packageId,
      sessionId,
      position: slot.position,
      filename: stored.filename,
      title: titleFromFilename(stored.filename),
      sizeBytes: stored.sizeBytes,
      contentHash: null,
      storagePath: stored.storagePath,
      scormVersion: null,
      scoCount: 0,
      description: '',
      descriptionSource: 'LOCAL',
      lomDescription: null,
      contentSample: '',
      outline: [],
      warnings: [],
      error: stored.error,
    });
    if (!stored.storagePath) return entity;
    try {
      const facts = await this.inspection.inspect(this.storage.absolutePath(stored.storagePath), {
        filename: stored.filename,
        limits: this.options.packageLimits,
      });
      const description = initialDescription(facts);
      Object.assign(entity, {
        title: facts.title,
        scormVersion: facts.scormVersion,
        scoCount: facts.scoCount,
        contentHash: facts.contentHash,
        lomDescription: facts.lomDescription,
        contentSample: facts.contentSample,
        outline: facts.outline,
        warnings: facts.warnings,
        description: description.text,
        descriptionSource: description.source,
      });
    } catch (error) {
      if (!(error instanceof PackageError)) {
        this.logger.error({
          msg: 'package inspection crashed',
          sessionId,
          filename: stored.filename,
          error: String(error),
        });
      }
      entity.error =
        error instanceof PackageError
          ? error.message
          : 'The package could not be read because of an internal error.';
      // A rejected package keeps no file: it can never be merged.
      await this.storage.remove(stored.storagePath);
      entity.storagePath = null;
    }
    return entity;
  }

  private takeSlot(sessionId: string): Promise<Slot | null> {
    return this.sessionLock.run(sessionId, async () => {
      let state = this.slots.get(sessionId);
      if (!state) {
        const { count, maxPosition } = await this.packagesService.countAndMaxPosition(sessionId);
        state = { taken: count, nextPosition: maxPosition + 1, inFlight: 0 };
        this.slots.set(sessionId, state);
      }
      if (state.taken >= this.options.upload.maxPackagesPerSession) return null;
      state.taken += 1;
      state.inFlight += 1;
      return { position: state.nextPosition++ };
    });
  }

  private releaseSlot(sessionId: string): void {
    const state = this.slots.get(sessionId);
    if (state && --state.inFlight === 0) this.slots.delete(sessionId);
  }
}

/** The request's Content-Length, or null for a chunked body (or a header that is not a plain number). */
function declaredLength(request: IncomingMessage): number | null {
  const header = request.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return null;
  return Number(header);
}

/** Sizes in messages: MB above one, KB below. */
function formatSize(bytes: number): string {
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/** The name to show: the last path segment, control characters removed, bounded. */
function displayFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (clean || 'unnamed.zip').slice(0, 255);
}

function rejectedView(filename: string, error: string): PackageModel {
  return {
    id: randomUUID(),
    filename,
    title: titleFromFilename(filename),
    position: -1,
    sizeBytes: 0,
    scormVersion: null,
    scoCount: 0,
    description: '',
    descriptionSource: 'LOCAL',
    error,
    warnings: [],
    createdAt: new Date(),
  };
}
