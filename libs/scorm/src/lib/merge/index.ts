export { mergePackages, MENU_PAGE } from './merge-packages';
export { courseTitle, defaultCourseTitle } from './course-title';
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
} from './merge-types';
export { ADAPTER_PAGE, SUPPORT_FOLDER } from './package-converter';
