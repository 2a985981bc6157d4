import { gql } from 'apollo-angular';
import type { DescriptionSource, DescriptionTask, TaskStatus } from '../session/session.models';
import { DESCRIPTION_TASK_FIELDS } from '../session/session.operations';

export const START_DESCRIPTIONS = gql<
  { startDescriptions: DescriptionTask },
  { sessionId: string; regenerate: boolean }
>`
  mutation StartDescriptions($sessionId: ID!, $regenerate: Boolean) {
    startDescriptions(sessionId: $sessionId, regenerate: $regenerate) {
      ...DescriptionTaskFields
    }
  }
  ${DESCRIPTION_TASK_FIELDS}
`;

export const CANCEL_DESCRIPTIONS = gql<{ cancelDescriptions: DescriptionTask }, { sessionId: string }>`
  mutation CancelDescriptions($sessionId: ID!) {
    cancelDescriptions(sessionId: $sessionId) {
      ...DescriptionTaskFields
    }
  }
  ${DESCRIPTION_TASK_FIELDS}
`;

export type ProgressType = 'STARTED' | 'PROGRESS' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface DescriptionProgress {
  taskId: string;
  type: ProgressType;
  status: TaskStatus;
  message: string;
  progress: number;
  current: number | null;
  total: number;
  completed: number;
  failed: number;
  packageId: string | null;
}

export const DESCRIPTION_PROGRESS = gql<{ descriptionProgress: DescriptionProgress }, { sessionId: string }>`
  subscription DescriptionProgress($sessionId: ID!) {
    descriptionProgress(sessionId: $sessionId) {
      taskId
      type
      status
      message
      progress
      current
      total
      completed
      failed
      packageId
    }
  }
`;

export interface DescriptionUpdate {
  taskId: string;
  packageId: string;
  description: string;
  source: DescriptionSource;
  progress: number;
  fallback: boolean;
}

export const DESCRIPTION_UPDATED = gql<{ descriptionUpdated: DescriptionUpdate }, { sessionId: string }>`
  subscription DescriptionUpdated($sessionId: ID!) {
    descriptionUpdated(sessionId: $sessionId) {
      taskId
      packageId
      description
      source
      progress
      fallback
    }
  }
`;

export interface DescriptionDelta {
  taskId: string;
  packageId: string;
  attempt: number;
  text: string;
}

export const DESCRIPTION_STREAMING = gql<{ descriptionStreaming: DescriptionDelta }, { sessionId: string }>`
  subscription DescriptionStreaming($sessionId: ID!) {
    descriptionStreaming(sessionId: $sessionId) {
      taskId
      packageId
      attempt
      text
    }
  }
`;

export const DESCRIPTION_SETTINGS = gql<
  { descriptionSettings: { aiEnabled: boolean; model: string | null } },
  Record<string, never>
>`
  query DescriptionSettings {
    descriptionSettings {
      aiEnabled
      model
    }
  }
`;
