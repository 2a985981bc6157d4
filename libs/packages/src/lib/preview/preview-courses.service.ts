import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleDestroy,
} from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { readCourseOutline, sequencingSettingsFromManifest, type CourseOutline } from '@scorm-merge/scorm';
import { MERGE_PROGRESS_EVENT, type MergeProgressChanged } from '../merges/merge-events';
import { MergeStorage } from '../merges/merge-storage';
import { MergesService } from '../merges/merges.service';
import { PACKAGE_REMOVED_EVENT, type PackageRemoved } from '../packages/package-events';
import { PackagesService } from '../packages/packages.service';
import { PACKAGES_OPTIONS, type PackagesOptions } from '../packages-options';
import { SessionsService } from '../sessions/sessions.service';
import { TaskStatus } from '../shared/task-status';
import { PackageStorage } from '../upload/package-storage';
import type { PreviewKind } from './preview-capability';
import {
  readPreviewCourseFile,
  writePreviewCourseFile,
  type SavedPreviewCourse,
} from './preview-course-file';
import { ZipArchivePool } from './zip-archive-pool';

/** A package or merged course that can be previewed: which session owns it and where its zip is. */
export interface PreviewSource {
  kind: PreviewKind;
  id: string;
  sessionId: string;
  /** Absolute path of the stored zip (the upload, or the merged zip). */
  zipPath: string;
  /** The package's title as the session lists it, or the merged course's title. */
  title: string;
}

/** The outline of a course, built once from its manifest. */
export interface PreviewCourse {
  outline: Omit<CourseOutline, 'manifestXml'>;
  /** Package paths (below the root folder) the items launch: the documents the player frames. */
  launchPaths: ReadonlySet<string>;
  /** JSON of scorm-again's sequencing settings; SCORM 2004 only. */
  sequencing: string | null;
}

/** Outlines kept in memory; each is read or rebuilt when needed again, so none has to stay. */
const OUTLINE_CACHE_SIZE = 64;
/** A merged manifest holds every package's items and rules, so it may be larger than one upload's. */
const MERGED_MANIFEST_FACTOR = 8;

/**
 * Finds previewable packages and merges, builds their outlines once (the manifest only, no extraction; a
 * merge's is saved beside its zip) and keeps their zips open in a small pool for the content route. Rows
 * are read on every request: a removed package or an expired merge is gone at once, on every instance.
 */
@Injectable()
export class PreviewCourses implements OnModuleDestroy {
  private readonly logger = new Logger(PreviewCourses.name);
  private readonly courses = new Map<string, Promise<PreviewCourse>>();
  readonly archives = new ZipArchivePool();

  constructor(
    private readonly sessions: SessionsService,
    private readonly packages: PackagesService,
    private readonly merges: MergesService,
    private readonly packageStorage: PackageStorage,
    private readonly mergeStorage: MergeStorage,
    @Inject(PACKAGES_OPTIONS) private readonly options: PackagesOptions,
  ) {}

  onModuleDestroy(): void {
    this.archives.closeAll();
  }

  /** The session's valid package, or an error that says why it cannot be previewed. */
  async packageInSession(sessionId: string, packageId: string): Promise<PreviewSource> {
    const pkg = await this.packages.requireInSession(sessionId, packageId);
    if (pkg.error || !pkg.storagePath) {
      throw new BadRequestException(
        `Package ${packageId} cannot be previewed: it is not a valid SCORM package (${pkg.error ?? 'no stored file'}).`,
      );
    }
    return this.packageSource(pkg.id, pkg.sessionId, pkg.storagePath, pkg.title);
  }

  /** The session's COMPLETED merge, or an error that says why it cannot be previewed. */
  async mergeInSession(sessionId: string, mergeId: string): Promise<PreviewSource> {
    await this.sessions.require(sessionId);
    const merge = await this.merges.findInSession(sessionId, mergeId);
    if (!merge) throw new NotFoundException(`Merge ${mergeId} not found in session ${sessionId}`);
    if (merge.status !== TaskStatus.COMPLETED || !merge.outputPath) {
      throw new BadRequestException(
        `Merge ${mergeId} is ${merge.status}; only COMPLETED merges can be previewed.`,
      );
    }
    return this.mergeSource(merge.id, merge.sessionId, merge.outputPath, merge.title);
  }

  /** What a content URL names, if it still exists and can be previewed; null otherwise. */
  async findSource(kind: PreviewKind, id: string): Promise<PreviewSource | null> {
    if (kind === 'packages') {
      const pkg = await this.packages.findById(id);
      if (!pkg || pkg.error || !pkg.storagePath) return null;
      return this.packageSource(pkg.id, pkg.sessionId, pkg.storagePath, pkg.title);
    }
    const merge = await this.merges.findById(id);
    if (!merge || merge.status !== TaskStatus.COMPLETED || !merge.outputPath) return null;
    return this.mergeSource(merge.id, merge.sessionId, merge.outputPath, merge.title);
  }

  /** The course's outline, read from its manifest the first time it is asked for. */
  course(source: PreviewSource): Promise<PreviewCourse> {
    const key = `${source.kind}/${source.id}`;
    let course = this.courses.get(key);
    if (course) {
      this.courses.delete(key);
    } else {
      course = this.buildCourse(source);
      course.catch(() => this.courses.get(key) === course && this.courses.delete(key));
    }
    this.courses.set(key, course);
    while (this.courses.size > OUTLINE_CACHE_SIZE)
      this.courses.delete(this.courses.keys().next().value as string);
    return course;
  }

  @OnEvent(PACKAGE_REMOVED_EVENT)
  forgetPackage(event: PackageRemoved): void {
    this.courses.delete(`packages/${event.packageId}`);
    if (event.storagePath) this.archives.evict(this.packageStorage.absolutePath(event.storagePath));
  }

  @OnEvent(MERGE_PROGRESS_EVENT)
  onMergeProgress(event: MergeProgressChanged): void {
    if (event.status === TaskStatus.COMPLETED) void this.prepareMerge(event.mergeId);
    if (event.status === TaskStatus.EXPIRED) this.forgetExpiredMerge(event);
  }

  /**
   * Builds a finished merge's outline before anyone asks: a large course's manifest takes about 100 ms to
   * read, which would otherwise delay its first preview. Best effort; a failure is built again on demand.
   */
  private async prepareMerge(mergeId: string): Promise<void> {
    try {
      const source = await this.findSource('merges', mergeId);
      if (source) await this.course(source);
    } catch (error) {
      this.logger.warn({ msg: 'preview outline not prepared', id: mergeId, error: String(error) });
    }
  }

  private forgetExpiredMerge(event: MergeProgressChanged): void {
    this.courses.delete(`merges/${event.mergeId}`);
    const source = this.mergeStorage.absolutePath(
      this.mergeStorage.relativePath(event.sessionId, event.mergeId),
    );
    this.archives.evict(source);
  }

  private packageSource(id: string, sessionId: string, storagePath: string, title: string): PreviewSource {
    return { kind: 'packages', id, sessionId, zipPath: this.packageStorage.absolutePath(storagePath), title };
  }

  private mergeSource(id: string, sessionId: string, outputPath: string, title: string): PreviewSource {
    return { kind: 'merges', id, sessionId, zipPath: this.mergeStorage.absolutePath(outputPath), title };
  }

  /** scorm-again's sequencing settings for a 2004 manifest, as JSON; null (and a warning) if it has none. */
  private sequencingSettingsJson(source: PreviewSource, manifestXml: string): string | null {
    try {
      return JSON.stringify(sequencingSettingsFromManifest(manifestXml));
    } catch (error) {
      this.logger.warn({
        msg: 'no sequencing settings',
        kind: source.kind,
        id: source.id,
        error: String(error),
      });
      return null;
    }
  }

  /**
   * A merge's course is saved beside its zip once built: another instance, or this one after a restart,
   * reads it (about 10 ms for a 100-package course) instead of parsing the manifest again (100-300 ms).
   */
  private async buildCourse(source: PreviewSource): Promise<PreviewCourse> {
    const started = Date.now();
    const file =
      source.kind === 'merges' ? this.mergeStorage.companionPath(source.zipPath, 'preview.json') : null;
    const saved = file ? await readPreviewCourseFile(file, source.zipPath) : null;
    if (saved) {
      this.logger.log({
        msg: 'preview outline read',
        kind: source.kind,
        id: source.id,
        ms: Date.now() - started,
      });
      return previewCourse(source, saved);
    }
    const { archive } = await this.archives.get(source.zipPath);
    const maxManifestBytes =
      this.options.packageLimits.maxManifestBytes * (source.kind === 'merges' ? MERGED_MANIFEST_FACTOR : 1);
    const { manifestXml, ...outline } = await readCourseOutline(archive, maxManifestBytes);
    const built: SavedPreviewCourse = {
      outline,
      launchPaths: outline.items.flatMap(({ launch }) => (launch?.kind === 'entry' ? [launch.path] : [])),
      sequencing: outline.family === '2004' ? this.sequencingSettingsJson(source, manifestXml) : null,
    };
    this.logger.log({
      msg: 'preview outline built',
      kind: source.kind,
      id: source.id,
      items: outline.items.length,
      ms: Date.now() - started,
    });
    if (file) {
      await writePreviewCourseFile(file, source.zipPath, built).catch((error: unknown) =>
        this.logger.warn({ msg: 'preview outline not saved', id: source.id, error: String(error) }),
      );
    }
    return previewCourse(source, built);
  }
}

function previewCourse(source: PreviewSource, saved: SavedPreviewCourse): PreviewCourse {
  return {
    outline: { ...saved.outline, title: source.title || saved.outline.title },
    launchPaths: new Set(saved.launchPaths),
    sequencing: saved.sequencing,
  };
}
