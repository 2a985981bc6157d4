import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { buildDescriptionPrompt } from '../prompt/description-prompt';
import type { OpenAiSettings } from '../descriptions-options';
import { DescriptionProviderError, isRetryableStatus, parseRetryAfter } from '../runner/provider-error';
import type { AiDescriptionProvider, DescribeOptions } from './ai-description-provider';
import type { DescribablePackage } from './describable-package';

/**
 * Chat completions through the official SDK, streamed so partial text can be shown while it is written.
 * Works with any OpenAI-compatible server through `baseURL`.
 */
/** Far more than 2 sentences / 300 characters need; the cleaner cuts the rest. */
const MAX_STREAMED_CHARS = 4000;

export class OpenAiDescriptionProvider implements AiDescriptionProvider {
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly settings: OpenAiSettings) {
    this.model = settings.model;
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL || undefined,
      // The runner retries instead: it honours Retry-After, adds jitter, counts attempts and falls back.
      maxRetries: 0,
      timeout: settings.timeout,
    });
  }

  async describe(pkg: DescribablePackage, { signal, onText }: DescribeOptions): Promise<string> {
    signal.throwIfAborted();
    const prompt = buildDescriptionPrompt(pkg);
    // One controller per request, for the caller's abort and the deadline alike. The SDK's own timeout
    // stops at the response headers; this one also covers a stream that stalls. Not AbortSignal.any():
    // the SDK never removes its abort listener, and on Node 20 a combined signal with a listener stays
    // reachable (and keeps the request's objects) until it aborts, which a finished request never does.
    const request = new AbortController();
    const forwardAbort = (): void => request.abort(signal.reason);
    signal.addEventListener('abort', forwardAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort(new Error(`no complete answer within ${this.settings.timeout} ms`));
    }, this.settings.timeout);
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
          max_tokens: this.settings.maxTokens,
          temperature: this.settings.temperature,
          stream: true,
        },
        { signal: request.signal },
      );
      let text = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content ?? '';
        if (delta) {
          text += delta;
          onText?.(text);
        }
        // A server that ignores max_tokens cannot make us hold (or re-send to subscribers) a flood of text.
        if (text.length >= MAX_STREAMED_CHARS) break;
      }
      // The SDK ends an aborted stream quietly, as if the answer were complete: a cut-off text is no answer.
      request.signal.throwIfAborted();
      return text;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timedOut) {
        throw new DescriptionProviderError(`no complete answer within ${this.settings.timeout} ms`, {
          retryable: true,
          cause: error,
        });
      }
      throw classify(error);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', forwardAbort);
    }
  }
}

function classify(error: unknown): DescriptionProviderError {
  if (error instanceof APIUserAbortError) {
    return new DescriptionProviderError('request aborted', { retryable: false, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new DescriptionProviderError(`connection failed: ${error.message}`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    return new DescriptionProviderError(`HTTP ${error.status}: ${error.message}`, {
      retryable: isRetryableStatus(error.status),
      retryAfterMs: parseRetryAfter(error.headers),
      status: error.status,
      cause: error,
    });
  }
  // A stream cut off mid-answer surfaces as a plain error: transient like any connection problem.
  return new DescriptionProviderError(`request failed: ${(error as Error)?.message ?? String(error)}`, {
    retryable: true,
    cause: error,
  });
}
