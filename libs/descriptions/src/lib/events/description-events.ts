import type { DescriptionSourceValue, TaskStatus } from '@scorm-merge/packages';

/** Names of the domain events the runner emits (EventEmitter2); a listener forwards them to GraphQL. */
export const DESCRIPTION_EVENTS = {
  progress: 'descriptions.progress',
  updated: 'descriptions.updated',
  streaming: 'descriptions.streaming',
} as const;

export type ProgressTypeValue = 'STARTED' | 'PROGRESS' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface DescriptionProgressPayload {
  taskId: string;
  type: ProgressTypeValue;
  status: TaskStatus;
  message: string;
  progress: number;
  current: number | null;
  total: number;
  completed: number;
  failed: number;
  packageId: string | null;
}

export interface DescriptionUpdatePayload {
  taskId: string;
  packageId: string;
  description: string;
  source: DescriptionSourceValue;
  progress: number;
  fallback: boolean;
}

export interface DescriptionDeltaPayload {
  taskId: string;
  packageId: string;
  text: string;
  attempt: number;
}

/** Every event names its session: subscriptions are per session. */
export interface SessionEvent<T> {
  sessionId: string;
  payload: T;
}

/** PubSub trigger of one subscription for one session, so a subscriber only ever sees its own session. */
export function descriptionTrigger(kind: keyof typeof DESCRIPTION_EVENTS, sessionId: string): string {
  return `${DESCRIPTION_EVENTS[kind]}:${sessionId}`;
}
