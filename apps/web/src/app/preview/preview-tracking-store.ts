import type { ApiCall } from './api-call-log';
import type { ItemTracking } from './course-outline';

/** What a preview keeps in the tab between reloads. Nothing of it is ever sent to the server. */
export interface StoredAttempt {
  currentItemId: string | null;
  /** Per-SCO data model carried to its next launch. */
  cmiByItem: Record<string, Record<string, unknown>>;
  tracking: Record<string, ItemTracking>;
  calls: ApiCall[];
  /** scorm-again's serialized sequencing state (SCORM 2004). */
  sequencingState: string | null;
}

const VERSION = 1;

/** The preview's tracking data in sessionStorage, under one key per session and package or merge. */
export class PreviewTrackingStore {
  readonly key: string;

  constructor(
    sessionId: string,
    kind: 'package' | 'merge',
    id: string,
    private readonly storage: Storage = sessionStorage,
  ) {
    this.key = `scorm-merge.preview.${sessionId}.${kind}.${id}`;
  }

  load(): StoredAttempt | null {
    try {
      const text = this.storage.getItem(this.key);
      if (!text) return null;
      const parsed = JSON.parse(text) as { version?: number; attempt?: StoredAttempt };
      return parsed.version === VERSION && parsed.attempt ? parsed.attempt : null;
    } catch {
      // Unreadable data is only a lost preview attempt: start afresh.
      return null;
    }
  }

  save(attempt: StoredAttempt): void {
    try {
      this.storage.setItem(this.key, JSON.stringify({ version: VERSION, attempt }));
    } catch {
      // Over the tab's quota: drop the log, which is the bulky part, and keep the tracking.
      try {
        this.storage.setItem(
          this.key,
          JSON.stringify({ version: VERSION, attempt: { ...attempt, calls: [] } }),
        );
      } catch {
        /* nothing more can be kept */
      }
    }
  }

  clear(): void {
    this.storage.removeItem(this.key);
  }
}
