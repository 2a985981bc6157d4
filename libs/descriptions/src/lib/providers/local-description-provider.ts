import { describePackageLocally, type PackageFacts } from '@scorm-merge/scorm';
import type { DescribablePackage } from './describable-package';

/** The local generator, from stored facts: no network, instant, deterministic. */
export function describeLocally(pkg: DescribablePackage): string {
  return describePackageLocally(toPackageFacts(pkg));
}

/** The stored package as the facts the local generator reads; fields it does not use get neutral values. */
export function toPackageFacts(pkg: DescribablePackage): PackageFacts {
  const scormVersion = pkg.scormVersion ?? '1.2';
  return {
    title: pkg.title,
    scormVersion,
    scormFamily: scormVersion.startsWith('2004') ? '2004' : '1.2',
    schemaVersion: null,
    manifestIdentifier: '',
    rootFolder: '',
    scoCount: pkg.scoCount,
    lomDescription: pkg.lomDescription,
    outline: pkg.outline,
    warnings: [],
    contentSample: pkg.contentSample,
    contentHash: '',
    entryCount: 0,
    uncompressedBytes: 0,
  };
}
