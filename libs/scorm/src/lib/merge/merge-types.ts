import type { PackageLimits } from '../package-limits';
/** One package to merge, in course order. `title` and `description` are untrusted text. */
export interface MergeInput {
  /** Path of the uploaded zip on disk. */
  zipPath: string;
  /** Module title shown in the course outline and the menu (plain text). */
  title: string;
  /** Module description shown in the menu (plain text). */
  description: string;
  /** The name the user uploaded, used in error messages instead of server paths. */
  filename?: string;
}

export interface MergeOptions {
  /** Course title (plain text); the merged manifest's organization and LOM title. */
  title: string;
  /** Course description for the merged manifest's LOM; default: a sentence naming the modules. */
  description?: string;
  /** Add the course-menu SCO. Default true. */
  includeMenu?: boolean;
  /** Manifest identifier (an XML NCName); default `scorm-merge-<uuid>`. */
  identifier?: string;
  /** The limits packages were accepted under at upload, so every accepted package can be merged. */
  limits?: Partial<PackageLimits>;
}

export interface MergeProgressEvent {
  /** What is happening now, for people ("Copying “Golf” (2 of 5)"). */
  step: string;
  /** 0..100, never decreasing. */
  progress: number;
}

export interface MergeHooks {
  onProgress?(event: MergeProgressEvent): void;
  /** Aborting stops the merge with a MergeError (code CANCELLED) and removes the partial file. */
  signal?: AbortSignal;
}

export type MergedScormVersion = '1.2' | '2004 4th Edition';

export interface MergedModule {
  /** Folder of the module inside the merged zip, e.g. `01-golf-explained/`. */
  folder: string;
  /** Identifier of the module's aggregation item in the merged manifest. */
  identifier: string;
  title: string;
  /** SCO items of the module (the activities an LMS tracks). */
  scoCount: number;
  /** Titles of those SCO items, in course order. */
  items: string[];
}

export interface MergeResult {
  outputPath: string;
  sizeBytes: number;
  scormVersion: MergedScormVersion;
  /** Identifier of the merged manifest. */
  identifier: string;
  /** SCO items in the merged manifest, the menu included. */
  scoCount: number;
  hasMenu: boolean;
  modules: MergedModule[];
  /** Entries written to the zip. */
  entryCount: number;
  /** Things the merge had to adapt or leave out, in plain words. */
  warnings: string[];
}

export type MergeErrorCode =
  'NO_INPUT' | 'PACKAGE_MISSING' | 'PACKAGE_INVALID' | 'WRITE_FAILED' | 'CANCELLED';

/** A merge that cannot finish. The message is user-facing: plain words, no server paths. */
export class MergeError extends Error {
  constructor(
    message: string,
    readonly code: MergeErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MergeError';
  }
}
