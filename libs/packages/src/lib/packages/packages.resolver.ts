import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { SessionEntity } from '../sessions/session.entity';
import { SessionModel } from '../sessions/models/session.model';
import { SessionsService } from '../sessions/sessions.service';
import { PackagesService } from './packages.service';

@Resolver()
export class PackagesResolver {
  constructor(
    private readonly packages: PackagesService,
    private readonly sessions: SessionsService,
  ) {}

  @Mutation(() => SessionModel, {
    description: 'Saves the course order: listed packages first, in that order.',
  })
  async reorderPackages(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('packageIds', { type: () => [ID] }) packageIds: string[],
  ): Promise<SessionEntity> {
    await this.packages.reorder(sessionId, packageIds);
    return this.sessions.require(sessionId);
  }

  @Mutation(() => SessionModel, { description: 'Removes a package and its stored file.' })
  async removePackage(
    @Args('sessionId', { type: () => ID }) sessionId: string,
    @Args('packageId', { type: () => ID }) packageId: string,
  ): Promise<SessionEntity> {
    await this.packages.remove(sessionId, packageId);
    return this.sessions.require(sessionId);
  }
}
