import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { SessionEntity } from './session.entity';
import { SessionModel } from './models/session.model';
import { SessionsService } from './sessions.service';

@Resolver(() => SessionModel)
export class SessionsResolver {
  constructor(private readonly sessions: SessionsService) {}

  @Query(() => SessionModel, { nullable: true, description: 'The session, or null when the id is unknown.' })
  session(@Args('id', { type: () => ID }) id: string): Promise<SessionEntity | null> {
    return this.sessions.find(id);
  }

  @Mutation(() => SessionModel)
  createSession(): Promise<SessionEntity> {
    return this.sessions.create();
  }

  @ResolveField(() => Date, {
    description:
      'When the session and its files are deleted unless something is written to it before: its last change + retention.sessionIdleDays.',
  })
  expiresAt(@Parent() session: SessionEntity): Date {
    return this.sessions.expiresAt(session);
  }
}
