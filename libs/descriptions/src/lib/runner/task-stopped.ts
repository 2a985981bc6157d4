/**
 * Why a task's work was aborted: a user's cancel, the server stopping (the task resumes at the next boot),
 * or another worker of the same task failing (the task is already marked FAILED).
 */
export class TaskStoppedError extends Error {
  constructor(readonly why: 'cancelled' | 'shutdown' | 'failed') {
    super(
      why === 'cancelled'
        ? 'The task was cancelled'
        : why === 'shutdown'
          ? 'The server is stopping'
          : 'The task failed',
    );
    this.name = 'TaskStoppedError';
  }
}
