import type { ScormFamily } from './scorm-version';
import type { LomSummary } from './lom-metadata';

/** An <item>, flattened: `depth` 0 is a direct child of its organization. */
export interface ManifestItem {
  identifier: string;
  identifierref: string | null;
  /** Plain text, cleaned. */
  title: string;
  depth: number;
  /** identifier of the enclosing <item>; null at the top of the organization. */
  parentIdentifier: string | null;
  /** The item's `parameters` (appended to its resource's launch href), as written. */
  parameters: string | null;
  /** `isvisible`; true unless written "false". */
  isVisible: boolean;
  /** SCORM 1.2 `adlcp:prerequisites`, as written; null when absent. */
  prerequisites: string | null;
}

export interface ManifestOrganization {
  identifier: string;
  title: string;
  /** Every item of the organization, in document order. */
  items: ManifestItem[];
}

export interface ManifestResource {
  identifier: string;
  /** adlcp:scormtype (1.2) / adlcp:scormType (2004), lower-cased; null when absent. */
  scormType: string | null;
  /** Launch href exactly as written (may carry a query string or fragment). */
  href: string | null;
  /** manifest + resources + resource xml:base, concatenated. */
  base: string;
  /** <file href> values as written. */
  files: string[];
  /** <dependency identifierref> values. */
  dependencies: string[];
}

/** What the parser reads from imsmanifest.xml; nothing here has touched the zip yet. */
export interface ScormManifest {
  identifier: string;
  schemaVersion: string | null;
  scormVersion: string;
  scormFamily: ScormFamily;
  /** Neither schemaversion nor namespaces identified the version. */
  versionGuessed: boolean;
  /** organizations@default as written, null when absent. */
  defaultOrganizationId: string | null;
  organizations: ManifestOrganization[];
  resources: ManifestResource[];
  /** manifest/metadata/adlcp:location, the external LOM file. */
  metadataLocation: string | null;
  /** Inline manifest-level LOM, when present. */
  lom: LomSummary | null;
}
