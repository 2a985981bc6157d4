// The SCORM core's public API: inspect a package, merge packages, read a package's files.

// Inspect
export { inspectPackage, type InspectPackageOptions } from './lib/inspection/package-inspector';
export type { PackageFacts } from './lib/inspection/package-facts';
export { InspectionWorker } from './lib/inspection/inspection-worker';
export { describePackageLocally, initialDescription } from './lib/inspection/package-summary';
export { titleFromFilename } from './lib/inspection/filename-title';
export { PackageError } from './lib/package-error';
export { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from './lib/package-limits';
export type { ScormFamily } from './lib/manifest/scorm-version';

// Merge
export { mergePackages, MENU_PAGE } from './lib/merge/merge-packages';
export { courseTitle, defaultCourseTitle } from './lib/merge/course-title';
export {
  MergeError,
  type MergeErrorCode,
  type MergeHooks,
  type MergeInput,
  type MergeOptions,
  type MergeProgressEvent,
  type MergeResult,
  type MergedModule,
  type MergedScormVersion,
} from './lib/merge/merge-types';
export { ADAPTER_PAGE, SUPPORT_FOLDER } from './lib/merge/package-converter';
export { SCORM12_ADAPTER_SCRIPT } from './lib/merge/scorm12-adapter-page';

// Read a package's files by random access
export {
  openZipArchive,
  withZipArchive,
  type OpenZipOptions,
  type ZipArchive,
  type ZipEntryInfo,
} from './lib/zip/zip-archive';

// Preview: a package's outline from its manifest
export {
  readCourseOutline,
  type CourseOutline,
  type OutlineItem,
  type OutlineLaunch,
} from './lib/preview/course-outline';

// Sequencing: the activity tree scorm-again's engine takes, and each leaf's launch href
export {
  launchableLeaves,
  sequencingSettingsFromManifest,
  withParameters,
  type ActivityTreeOptions,
  type LaunchableLeaf,
} from './lib/sequencing/activity-tree';
export type * from './lib/sequencing/sequencing-settings';
