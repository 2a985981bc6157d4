import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity } from './session.entity';
import { SessionsResolver } from './sessions.resolver';
import { SessionsService } from './sessions.service';
import { SessionWorkRegistry } from './session-work.registry';

/** Sessions: create one, find one, when it expires. The session id is the only credential. */
@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity])],
  providers: [SessionsService, SessionsResolver, SessionWorkRegistry],
  exports: [SessionsService, SessionWorkRegistry],
})
export class SessionsModule {}
