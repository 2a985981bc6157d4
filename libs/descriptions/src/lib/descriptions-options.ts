/** The `openai` block of the configuration. */
export interface OpenAiSettings {
  /** Empty: no AI; the local generator writes descriptions without any network. */
  apiKey: string;
  /** Empty: api.openai.com. Any OpenAI-compatible server works (Ollama, vLLM, LM Studio). */
  baseURL: string;
  model: string;
  maxTokens: number;
  temperature: number;
  /** Milliseconds one request (including its whole streamed answer) may take. */
  timeout: number;
  enabled: boolean;
}

/** The `descriptions` block of the configuration. */
export interface DescriptionRunnerSettings {
  /** AI requests in flight at once, across all sessions of this process. */
  concurrency: number;
  /** Retries after the first attempt, on 429, 5xx, timeouts and connection errors. */
  maxRetries: number;
  /** First backoff; doubles each retry, with jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this is cut down to it, so one header cannot stall a task for hours. */
  maxRetryAfterMs: number;
}

export interface DescriptionsOptions {
  openai: OpenAiSettings;
  descriptions: DescriptionRunnerSettings;
}

export const DESCRIPTIONS_OPTIONS = Symbol('DESCRIPTIONS_OPTIONS');
