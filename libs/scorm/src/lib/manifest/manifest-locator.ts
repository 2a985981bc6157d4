import { MANIFEST_NAME } from './manifest-parser';
import { PackageError } from '../package-error';
import type { ZipEntryInfo } from '../zip/zip-archive';

export interface ManifestLocation {
  entry: ZipEntryInfo;
  /** '' or 'folder/'; every manifest path is relative to it. */
  rootFolder: string;
  warnings: string[];
}

/** macOS Finder adds these next to the real folder; they are never the package. */
const isFinderJunk = (name: string): boolean => name.startsWith('__MACOSX/');

/**
 * Finds imsmanifest.xml at the zip root, or inside one top-level folder (people zip the
 * folder instead of its contents). Anything else is not an uploadable package.
 */
export function locateManifest(entries: readonly ZipEntryInfo[]): ManifestLocation {
  const files = entries.filter((entry) => !entry.isDirectory && !isFinderJunk(entry.name));
  const atRoot = files.find((entry) => entry.name === MANIFEST_NAME);
  if (atRoot) return { entry: atRoot, rootFolder: '', warnings: [] };

  const wrongCase = files.find((entry) => entry.name.toLowerCase() === MANIFEST_NAME);
  if (wrongCase) {
    return {
      entry: wrongCase,
      rootFolder: '',
      warnings: [
        `The manifest is named "${wrongCase.name}" instead of "${MANIFEST_NAME}"; some LMSs will not find it.`,
      ],
    };
  }

  const wrapped = files.filter((entry) => /^[^/]+\/imsmanifest\.xml$/i.test(entry.name));
  if (wrapped.length === 1) {
    const rootFolder = wrapped[0].name.slice(0, wrapped[0].name.indexOf('/') + 1);
    const warnings = [
      `The package is wrapped in the folder "${rootFolder}"; its contents were read from there. Zip the folder's contents, not the folder, for other LMSs.`,
    ];
    if (wrapped[0].name !== rootFolder + MANIFEST_NAME) {
      warnings.push(`The manifest is named "${wrapped[0].name}" instead of "${rootFolder}${MANIFEST_NAME}".`);
    }
    return { entry: wrapped[0], rootFolder, warnings };
  }
  if (wrapped.length > 1) {
    const folders = wrapped.map((entry) => `"${entry.name.slice(0, entry.name.indexOf('/') + 1)}"`);
    throw new PackageError(
      `The zip holds several packages (${folders.slice(0, 5).join(', ')}); upload each package as its own zip.`,
    );
  }
  const deeper = files.find((entry) => /(^|\/)imsmanifest\.xml$/i.test(entry.name));
  if (deeper) {
    throw new PackageError(
      `The zip has no imsmanifest.xml at its root (there is one at "${deeper.name}"); zip the package folder's contents.`,
    );
  }
  throw new PackageError('The zip has no imsmanifest.xml, so it is not a SCORM package.');
}
