export { DescriptionsModule, DESCRIPTIONS_RESOLVERS } from './lib/descriptions.module';
export { DESCRIPTIONS_ENTITIES } from './lib/persistence';
export { OpenAiDescriptionProvider } from './lib/providers/openai-description-provider';
export type {
  DescriptionsOptions,
  OpenAiSettings,
  DescriptionRunnerSettings,
} from './lib/descriptions-options';
export * from './lib/prompt/description-prompt';
export * from './lib/prompt/description-cleaner';
