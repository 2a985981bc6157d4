export { buildZip, type ZipEntrySpec } from './zip-builder';
export {
  buildScorm12Package,
  buildScorm2004Package,
  buildScormManifest,
  encodeManifest,
  escapeXml,
  type ScoSpec,
  type ScormPackageOptions,
} from './scorm-package-builder';
export { removeTempFiles, writeTempFile } from './temp-file';
export { recordRows, yauzlRecordRows, type ZipRecordRow } from './zip-records';
export { seededRandom } from './seeded-random';
export { writeFixtureFiles, type FixtureFiles } from './merge-fixtures';
export {
  compareCopiedFiles,
  inspectMergedManifest,
  readManifestText,
  readStoredEntries,
  validateWithXmllint,
  xmllintAvailable,
} from './merged-package-checks';
export { sharedFixturesDir } from './shared-fixtures';
export { forgeCrc32 } from './crc32-forgery';
export {
  sequencedManifest,
  sequencedPackage,
  type SequencedItem,
  type SequencedManifestOptions,
} from './sequenced-manifest';
