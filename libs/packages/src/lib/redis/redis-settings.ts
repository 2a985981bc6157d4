/** Redis mode (REDIS_URL set): events, jobs and rate-limit counters are shared by every instance. */
export interface RedisSettings {
  url: string;
  /** Prefix of every key and channel, so several deployments (or tests) can share one Redis. */
  keyPrefix: string;
  /** A job whose instance stopped renewing its lock this long ago runs again on another instance. */
  stalledAfterMs: number;
}

/** The RedisSettings, or null in single-process mode. */
export const REDIS_SETTINGS = Symbol('REDIS_SETTINGS');
