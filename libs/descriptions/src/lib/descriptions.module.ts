import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PackagesModule, SessionsModule } from '@scorm-merge/packages';
import { DescriptionCacheStore } from './cache/description-cache.store';
import { DESCRIPTIONS_OPTIONS, type DescriptionsOptions } from './descriptions-options';
import { DescriptionEventsListener } from './events/description-events.listener';
import { DescriptionItemJobs } from './jobs/description-item-jobs.service';
import { ManualDescriptionService } from './manual/manual-description.service';
import { DESCRIPTIONS_ENTITIES } from './persistence';
import { createAiDescriptionProvider } from './providers/create-ai-description-provider';
import { DescriptionSubscriptionsResolver } from './resolvers/description-subscriptions.resolver';
import { DescriptionsResolver } from './resolvers/descriptions.resolver';
import { SessionDescriptionTaskResolver } from './resolvers/session-description-task.resolver';
import { AI_DESCRIPTION_PROVIDER } from './runner/ai-provider.token';
import { DescriptionRunner } from './runner/description-runner.service';
import { DescriptionTaskStore } from './tasks/description-task.store';
import { DescriptionTasksService } from './tasks/description-tasks.service';

export const DESCRIPTIONS_RESOLVERS = [
  DescriptionsResolver,
  DescriptionSubscriptionsResolver,
  SessionDescriptionTaskResolver,
];

/** Description tasks: start, cancel, resume, live events, and hand-written descriptions. */
@Module({})
export class DescriptionsModule {
  static forRoot(options: DescriptionsOptions): DynamicModule {
    return {
      module: DescriptionsModule,
      imports: [TypeOrmModule.forFeature(DESCRIPTIONS_ENTITIES), SessionsModule, PackagesModule],
      providers: [
        { provide: DESCRIPTIONS_OPTIONS, useValue: options },
        { provide: AI_DESCRIPTION_PROVIDER, useFactory: () => createAiDescriptionProvider(options.openai) },
        DescriptionCacheStore,
        DescriptionTaskStore,
        DescriptionRunner,
        DescriptionItemJobs,
        DescriptionTasksService,
        ManualDescriptionService,
        DescriptionEventsListener,
        ...DESCRIPTIONS_RESOLVERS,
      ],
    };
  }
}
