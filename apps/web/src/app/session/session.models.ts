export type DescriptionSource = 'MANIFEST' | 'LOCAL' | 'AI' | 'CACHE' | 'MANUAL';
export type TaskStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

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
  packages: SessionPackage[];
  descriptionTask: DescriptionTask | null;
}

export function isActive(status: TaskStatus | null | undefined): boolean {
  return status === 'QUEUED' || status === 'RUNNING';
}
