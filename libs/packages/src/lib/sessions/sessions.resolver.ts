import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { PackageModel } from '../packages/models/package.model';
import { PackagesService } from '../packages/packages.service';
import { toPackageView } from '../packages/package-view';
import { SessionEntity } from '../persistence';
import { SessionModel } from './models/session.model';
import { SessionsService } from './sessions.service';

@Resolver(() => SessionModel)
export class SessionsResolver {
  constructor(
    private readonly sessions: SessionsService,
    private readonly packagesService: PackagesService,
  ) {}

  @Query(() => SessionModel, { nullable: true, description: 'The session, or null when the id is unknown.' })
  session(@Args('id', { type: () => ID }) id: string): Promise<SessionEntity | null> {
    return this.sessions.find(id);
  }

  @Mutation(() => SessionModel)
  createSession(): Promise<SessionEntity> {
    return this.sessions.create();
  }

  @ResolveField(() => [PackageModel], { description: 'Every package, valid or not, in course order.' })
  async packages(@Parent() session: SessionEntity): Promise<PackageModel[]> {
    return (await this.packagesService.listForSession(session.id)).map(toPackageView);
  }
}
