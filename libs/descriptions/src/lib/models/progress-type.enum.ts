import { registerEnumType } from '@nestjs/graphql';

export enum ProgressType {
  STARTED = 'STARTED',
  PROGRESS = 'PROGRESS',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  FAILED = 'FAILED',
}
registerEnumType(ProgressType, {
  name: 'ProgressType',
  description: 'What a description progress event reports.',
});
