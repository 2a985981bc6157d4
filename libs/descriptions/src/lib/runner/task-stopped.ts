/** Why a task's work was aborted: a user's cancel, or the server stopping (the task resumes at the next boot). */
export class TaskStoppedError extends Error {
  constructor(readonly why: 'cancelled' | 'shutdown') {
    super(why === 'cancelled' ? 'The task was cancelled' : 'The server is stopping');
    this.name = 'TaskStoppedError';
  }
}
