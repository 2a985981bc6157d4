export type DescriptionSource = 'MANIFEST' | 'LOCAL' | 'AI' | 'CACHE' | 'MANUAL';
/** EXPIRED: a merge whose zip was deleted after the server's retention period. */
export type TaskStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED' | 'EXPIRED';

export interface SessionPackage {
  __typename?: 'Package';
  id: string;
  filename: string;
  title: string;
  position: number;
  sizeBytes: number;
  scormVersion: string | null;
  scoCount: number;
  description: string;
  descriptionSource: DescriptionSource;
  error: string | null;
  warnings: string[];
}

export interface DescriptionTask {
  __typename?: 'DescriptionTask';
  id: string;
  status: TaskStatus;
  total: number;
  completed: number;
  failed: number;
  progress: number;
  message: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface SessionDetails {
  __typename?: 'Session';
  id: string;
  createdAt: string;
  /** When the server deletes the session unless it changes before; each change moves it on. */
  expiresAt: string;
  packages: SessionPackage[];
  descriptionTask: DescriptionTask | null;
}

export function isActive(status: TaskStatus | null | undefined): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}
