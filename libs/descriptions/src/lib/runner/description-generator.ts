import { cleanDescription } from '../prompt/description-cleaner';
import type { AiDescriptionProvider } from '../providers/ai-description-provider';
import type { DescribablePackage } from '../providers/describable-package';
import { describeLocally } from '../providers/local-description-provider';
import type { ConcurrencyLimiter } from './concurrency-limiter';
import { DescriptionProviderError } from './provider-error';
import type { RetryPolicy } from './retry-policy';
import { withRetries } from './with-retries';

export interface CacheKey {
  contentHash: string;
  model: string;
  promptVersion: string;
}

export interface DescriptionCacheReader {
  find(key: CacheKey): Promise<string | null>;
}

export interface GeneratedDescription {
  description: string;
  source: 'AI' | 'CACHE' | 'LOCAL';
  /** The AI failed after every retry and the local generator stood in. */
  fallback: boolean;
  /** Requests made to the AI for this package. */
  attempts: number;
  /** Why the AI answer was not used (fallback only). */
  error: string | null;
  /** Set for a fresh AI answer: store it in the cache under this key. */
  cacheKey: CacheKey | null;
}

export interface GenerateOptions {
  signal: AbortSignal;
  /** False when regenerating: ask the model again even if the cache has an answer. */
  useCache: boolean;
  onText?: (textSoFar: string, attempt: number) => void;
  onRetry?: (error: unknown, retry: number, delayMs: number) => void;
}

export interface DescriptionGeneratorDeps {
  /** Null when no API key is configured: every description is local, with no network. */
  ai: AiDescriptionProvider | null;
  cache: DescriptionCacheReader;
  /** Bounds AI requests in flight across every task of the process. */
  limiter: ConcurrencyLimiter;
  policy: RetryPolicy;
  promptVersion: string;
}

/** One package's description: cache, else the model (bounded, retried), else the local generator. */
export class DescriptionGenerator {
  /** Answers being written, by cache key: an identical package waits for it instead of asking again. */
  private readonly inFlight = new Map<string, Promise<GeneratedDescription>>();

  constructor(private readonly deps: DescriptionGeneratorDeps) {}

  get usesAi(): boolean {
    return this.deps.ai !== null;
  }

  async generate(pkg: DescribablePackage, options: GenerateOptions): Promise<GeneratedDescription> {
    const ai = this.deps.ai;
    if (!ai) return { ...local(pkg), fallback: false, attempts: 0, error: null };
    const key = pkg.contentHash
      ? { contentHash: pkg.contentHash, model: ai.model, promptVersion: this.deps.promptVersion }
      : null;
    const keyText = key ? `${key.contentHash}\n${key.model}\n${key.promptVersion}` : null;
    if (key && keyText && options.useCache) {
      const cached = await this.deps.cache.find(key);
      if (cached) return fromCache(cached);
      const shared = this.inFlight.get(keyText);
      if (shared) {
        const other = await untilAborted(shared, options.signal).catch((error: unknown) => {
          if (options.signal.aborted) throw error;
          return null; // the other request was cancelled: ask ourselves
        });
        if (other?.source === 'AI') return fromCache(other.description);
      }
    }
    const answer = this.askModel(ai, pkg, key, options);
    if (keyText && !this.inFlight.has(keyText)) {
      this.inFlight.set(keyText, answer);
      void answer.then(
        () => this.inFlight.delete(keyText),
        () => this.inFlight.delete(keyText),
      );
    }
    return answer;
  }

  private async askModel(
    ai: AiDescriptionProvider,
    pkg: DescribablePackage,
    key: CacheKey | null,
    options: GenerateOptions,
  ): Promise<GeneratedDescription> {
    const { signal } = options;
    const outcome = await this.deps.limiter.run(
      () =>
        withRetries(
          async (attempt) => {
            const raw = await ai.describe(pkg, { signal, onText: (text) => options.onText?.(text, attempt) });
            const description = cleanDescription(raw);
            if (!description) {
              throw new DescriptionProviderError('the answer held no usable text', { retryable: false });
            }
            return description;
          },
          this.deps.policy,
          signal,
          { onRetry: options.onRetry },
        ),
      signal,
    );
    if (outcome.ok) {
      return {
        description: outcome.value,
        source: 'AI',
        fallback: false,
        attempts: outcome.attempts,
        error: null,
        cacheKey: key,
      };
    }
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    return { ...local(pkg), fallback: true, attempts: outcome.attempts, error: reason };
  }
}

function local(pkg: DescribablePackage): Pick<GeneratedDescription, 'description' | 'source' | 'cacheKey'> {
  return { description: describeLocally(pkg), source: 'LOCAL', cacheKey: null };
}

function fromCache(description: string): GeneratedDescription {
  return { description, source: 'CACHE', fallback: false, attempts: 0, error: null, cacheKey: null };
}

/** The promise's result, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
