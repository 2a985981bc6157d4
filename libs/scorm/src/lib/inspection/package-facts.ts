import type { ScormFamily } from '../manifest/scorm-version';

/** Everything the upload needs to know about one package, as plain data. */
export interface PackageFacts {
  /** Plain text, whitespace-collapsed, control characters removed, at most 300 characters; HTML stays literal. */
  title: string;
  /** '1.2', '2004 2nd Edition', '2004 3rd Edition' or '2004 4th Edition'. */
  scormVersion: string;
  scormFamily: ScormFamily;
  /** The literal <schemaversion> text, null when absent. */
  schemaVersion: string | null;
  manifestIdentifier: string;
  /** '' or 'folder/' when the package is wrapped in one top-level folder. */
  rootFolder: string;
  /** Items of the used organization whose identifierref resolves to a SCO resource. */
  scoCount: number;
  /** Manifest-level LOM description (inline or via adlcp:location), plain text. */
  lomDescription: string | null;
  /** Item titles of the used organization, in document order. */
  outline: string[];
  /**
   * Nesting level of each outline entry (0 = top level), same length as `outline`.
   * Optional so facts restored from storage without it still type-check.
   */
  outlineLevels?: number[];
  /** Human-readable sentences. */
  warnings: string[];
  /** Bounded plain text from the SCO launch pages, for descriptions. */
  contentSample: string;
  /** sha256 of what a description is written from, the manifest and the content sample: keys the description cache. */
  contentHash: string;
  entryCount: number;
  /** Sum of the uncompressed sizes the zip declares. */
  uncompressedBytes: number;
}
