import type { OpenAiSettings } from '../descriptions-options';
import type { AiDescriptionProvider } from './ai-description-provider';
import { OpenAiDescriptionProvider } from './openai-description-provider';

/** The OpenAI provider when enabled with a key; null (local descriptions, no network) otherwise. */
export function createAiDescriptionProvider(settings: OpenAiSettings): AiDescriptionProvider | null {
  if (!settings.enabled || !settings.apiKey.trim()) return null;
  return new OpenAiDescriptionProvider(settings);
}
