// Browser-safe entry: the activity tree for scorm-again's sequencing and each leaf's launch href,
// with nothing that needs Node (the main entry also reads zips from disk).
export {
  launchableLeaves,
  sequencingSettingsFromManifest,
  withParameters,
  type ActivityTreeOptions,
  type LaunchableLeaf,
} from './lib/sequencing/activity-tree';
export type * from './lib/sequencing/sequencing-settings';
