import { gql } from 'apollo-angular';

/** One item of the course's default organization, flattened in document order. */
export interface PreviewItem {
  id: string;
  title: string;
  depth: number;
  parentId: string | null;
  /** Where the frame loads this SCO or asset from; null for a cluster (an item with children). */
  launchUrl: string | null;
  scormType: string | null;
  /** SCORM 1.2 `adlcp:prerequisites`, shown as is. */
  prerequisites: string | null;
  isVisible: boolean;
}

export interface CoursePreview {
  title: string;
  scormVersion: string;
  family: '1.2' | '2004';
  /** The origin the frame content comes from: messages from the frame must carry it ("null" when sandboxed). */
  contentOrigin: string;
  items: PreviewItem[];
  /** JSON of scorm-again's SequencingSettings (SCORM 2004 only). */
  sequencing: string | null;
}

const COURSE_PREVIEW_FIELDS = gql`
  fragment CoursePreviewFields on CoursePreview {
    title
    scormVersion
    family
    contentOrigin
    items {
      id
      title
      depth
      parentId
      launchUrl
      scormType
      prerequisites
      isVisible
    }
    sequencing
  }
`;

export const PACKAGE_PREVIEW = gql<
  { packagePreview: CoursePreview },
  { sessionId: string; packageId: string }
>`
  query PackagePreview($sessionId: ID!, $packageId: ID!) {
    packagePreview(sessionId: $sessionId, packageId: $packageId) {
      ...CoursePreviewFields
    }
  }
  ${COURSE_PREVIEW_FIELDS}
`;

export const MERGE_PREVIEW = gql<{ mergePreview: CoursePreview }, { sessionId: string; mergeId: string }>`
  query MergePreview($sessionId: ID!, $mergeId: ID!) {
    mergePreview(sessionId: $sessionId, mergeId: $mergeId) {
      ...CoursePreviewFields
    }
  }
  ${COURSE_PREVIEW_FIELDS}
`;
