/** Injection token of the AiDescriptionProvider, or null when no API key is configured (local mode). */
export const AI_DESCRIPTION_PROVIDER = Symbol('AI_DESCRIPTION_PROVIDER');
