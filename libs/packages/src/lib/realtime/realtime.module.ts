import { Global, Module } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';

/** The PubSub that GraphQL subscriptions read from; listeners of domain events publish into it. */
export const PUB_SUB = Symbol('PUB_SUB');

@Global()
@Module({
  providers: [{ provide: PUB_SUB, useFactory: () => new PubSub() }],
  exports: [PUB_SUB],
})
export class RealtimeModule {}
