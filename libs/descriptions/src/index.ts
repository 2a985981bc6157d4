export { DescriptionsModule, DESCRIPTIONS_RESOLVERS } from './lib/descriptions.module';
export { DESCRIPTIONS_ENTITIES } from './lib/persistence';
export type {
  DescriptionsOptions,
  OpenAiSettings,
  DescriptionRunnerSettings,
} from './lib/descriptions-options';
export * from './lib/prompt/description-prompt';
export * from './lib/prompt/description-cleaner';
