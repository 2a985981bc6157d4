import { gql } from 'apollo-angular';
import type { TaskStatus } from '../session/session.models';

export interface MergeModule {
  folder: string;
  title: string;
  scoCount: number;
  items: string[];
}

export interface Merge {
  __typename?: 'Merge';
  id: string;
  status: TaskStatus;
  progress: number;
  step: string | null;
  downloadUrl: string | null;
  sizeBytes: number | null;
  error: string | null;
  /** What the merge adapted or left out, in plain words. */
  warnings: string[];
  title: string | null;
  includeMenu: boolean | null;
  scormVersion: string | null;
  modules: MergeModule[] | null;
  createdAt: string;
  finishedAt: string | null;
  /** When the merged zip is (COMPLETED) or was (EXPIRED) deleted by the server's retention. */
  expiresAt: string | null;
}

export interface MergeOptions {
  title?: string;
  includeMenu?: boolean;
}

export const MERGE_FIELDS = gql<Merge, never>`
  fragment MergeFields on Merge {
    id
    status
    progress
    step
    downloadUrl
    sizeBytes
    error
    warnings
    title
    includeMenu
    scormVersion
    modules {
      folder
      title
      scoCount
      items
    }
    createdAt
    finishedAt
    expiresAt
  }
`;

export const SESSION_MERGES = gql<
  { session: { __typename?: 'Session'; id: string; merges: Merge[] } | null },
  { id: string }
>`
  query SessionMerges($id: ID!) {
    session(id: $id) {
      id
      merges {
        ...MergeFields
      }
    }
  }
  ${MERGE_FIELDS}
`;

export const START_MERGE = gql<{ startMerge: Merge }, { sessionId: string; options: MergeOptions }>`
  mutation StartMerge($sessionId: ID!, $options: MergeOptions) {
    startMerge(sessionId: $sessionId, options: $options) {
      ...MergeFields
    }
  }
  ${MERGE_FIELDS}
`;

export interface MergeProgress {
  mergeId: string;
  status: TaskStatus;
  step: string;
  progress: number;
}

export const MERGE_PROGRESS = gql<{ mergeProgress: MergeProgress }, { sessionId: string }>`
  subscription MergeProgress($sessionId: ID!) {
    mergeProgress(sessionId: $sessionId) {
      mergeId
      status
      step
      progress
    }
  }
`;
