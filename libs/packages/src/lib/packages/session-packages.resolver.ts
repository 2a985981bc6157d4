import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { SessionModel } from '../sessions/models/session.model';
import type { SessionEntity } from '../sessions/session.entity';
import { PackageModel } from './models/package.model';
import { toPackageView } from './package-view';
import { PackagesService } from './packages.service';

@Resolver(() => SessionModel)
export class SessionPackagesResolver {
  constructor(private readonly packagesService: PackagesService) {}

  @ResolveField(() => [PackageModel], { description: 'Every package, valid or not, in course order.' })
  async packages(@Parent() session: SessionEntity): Promise<PackageModel[]> {
    return (await this.packagesService.listForSession(session.id)).map(toPackageView);
  }
}
