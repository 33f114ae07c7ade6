import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from './users/users.module';
import { SessionsController } from './sessions/sessions.controller';
import { AccessTokenGuard } from './tokens/guards/access-token.guard';
import { RolesGuard } from './tokens/guards/roles.guard';
import { LoginEventsRepository } from './login/login-events/login-events.repository';
import { LoginService } from './login/login.service';
import { RevocationList } from './tokens/revocation/revocation-list';
import { RevocationListener } from './tokens/revocation/revocation.listener';
import { SessionService } from './sessions/session.service';
import { SessionsRepository } from './sessions/sessions.repository';
import { LoginTicketService } from './login/tickets/login-ticket.service';
import { LoginTicketsRepository } from './login/tickets/login-tickets.repository';
import { TicketController } from './login/tickets/ticket.controller';
import { AccessTokenService } from './tokens/access-token.service';
import { UserStatusRepository } from './sessions/user-status.repository';
import { UserStatusService } from './sessions/user-status.service';

/**
 * Sign-in for the whole monolith. Importing it closes every route by default:
 * routes opt out with @Public(), read the caller with @CurrentUser() and
 * require roles with @Roles(). Login flows (the wechat module) call LoginService.
 */
@Module({
  imports: [PassportModule, UsersModule],
  controllers: [SessionsController, TicketController],
  providers: [
    AccessTokenService,
    SessionsRepository,
    SessionService,
    RevocationList,
    RevocationListener,
    LoginEventsRepository,
    LoginService,
    LoginTicketsRepository,
    LoginTicketService,
    UserStatusRepository,
    UserStatusService,
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [LoginService, LoginTicketService, SessionService, AccessTokenService, UserStatusService, LoginEventsRepository, PassportModule],
})
export class AuthModule {}
