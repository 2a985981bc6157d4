export { PackageError } from './package-error';
export { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from './package-limits';
export type { ScormFamily } from './scorm-version';
export type { PackageFacts } from './package-facts';
export { inspectPackage, type InspectPackageOptions } from './package-inspector';
export { describePackageLocally } from './package-summary';
export { titleFromFilename } from './filename-title';
export {
  openZipArchive,
  withZipArchive,
  type OpenZipOptions,
  type ZipArchive,
  type ZipEntryInfo,
} from './zip-archive';
export { parseManifest, MANIFEST_NAME } from './manifest-parser';
export type { ManifestItem, ManifestOrganization, ManifestResource, ScormManifest } from './manifest-model';
export { resolveHref, stripQueryAndFragment, type ResolvedHref } from './package-paths';
export * from './merge';
