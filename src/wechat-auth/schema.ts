import { LoginEvent } from './login/login-events/login-event.entity';
import { LoginTicket } from './login/tickets/login-ticket.entity';
import { InitialSchema1763700000000 } from './migrations/1763700000000-initial-schema';
import { OauthAndCodeExchange1763800000000 } from './migrations/1763800000000-oauth-and-code-exchange';
import { SessionKeysAndAppTokens1763900000000 } from './migrations/1763900000000-session-keys-and-app-tokens';
import { AdminConsole1764000000000 } from './migrations/1764000000000-admin-console';
import { RateLimits1764100000000 } from './migrations/1764100000000-rate-limits';
import { MobileApps1764260000000 } from './migrations/1764260000000-mobile-apps';
import { LoginStatistics1764270000000 } from './migrations/1764270000000-login-statistics';
import { AccountDeletion1764310000000 } from './migrations/1764310000000-account-deletion';
import { BindTickets1764320000000 } from './migrations/1764320000000-bind-tickets';
import { CodeCopiesPerClient1764330000000 } from './migrations/1764330000000-code-copies-per-client';
import { BindTicket } from './login/tickets/bind-ticket.entity';
import { LoginEventHour } from './login/statistics/login-event-hour.entity';
import { RefreshGenerations1764340000000 } from './migrations/1764340000000-refresh-generations';
import { SessionExpiryIndex1764350000000 } from './migrations/1764350000000-session-expiry-index';
import { TicketChallenges1764360000000 } from './migrations/1764360000000-ticket-challenges';
import { SignUpAndUniquePhone1764370000000 } from './migrations/1764370000000-sign-up-and-unique-phone';
import { SignupTicket } from './login/sign-up/signup-ticket.entity';
import { Avatars1764380000000 } from './migrations/1764380000000-avatars';
import { UnloggedCodeExchanges1764390000000 } from './migrations/1764390000000-unlogged-code-exchanges';
import { RoomForSignInUpdates1764400000000 } from './migrations/1764400000000-room-for-sign-in-updates';
import { TimeOrderedIds1764410000000 } from './migrations/1764410000000-time-ordered-ids';
import { OpenidIndexDropped1764420000000 } from './migrations/1764420000000-openid-index-dropped';
import { SignupTicketChallenges1764430000000 } from './migrations/1764430000000-signup-ticket-challenges';
import { HandOffTicketSessions1764430000001 } from './migrations/1764430000001-hand-off-ticket-sessions';
import { Avatar } from './avatars/avatar.entity';
import { PhoneConflict } from './users/entities/phone-conflict.entity';
import { RefreshToken } from './sessions/refresh-token.entity';
import { Session } from './sessions/session.entity';
import { User } from './users/entities/user.entity';
import { WechatIdentity } from './users/entities/wechat-identity.entity';
import { AppAccessToken } from './wechat/access-token/app-access-token.entity';
import { CodeExchange } from './wechat/code-exchange/code-exchange.entity';

/** The module's tables, for the host's TypeORM `entities`. */
export const WECHAT_AUTH_ENTITIES = [User, WechatIdentity, Session, RefreshToken, LoginEvent, CodeExchange, LoginTicket, AppAccessToken, LoginEventHour, BindTicket, SignupTicket, PhoneConflict, Avatar];

/** The module's schema, for the host's TypeORM `migrations` (run before any migration of the host that references `users`). */
export const WECHAT_AUTH_MIGRATIONS = [
  InitialSchema1763700000000,
  OauthAndCodeExchange1763800000000,
  SessionKeysAndAppTokens1763900000000,
  AdminConsole1764000000000,
  RateLimits1764100000000,
  MobileApps1764260000000,
  LoginStatistics1764270000000,
  AccountDeletion1764310000000,
  BindTickets1764320000000,
  CodeCopiesPerClient1764330000000,
  RefreshGenerations1764340000000,
  SessionExpiryIndex1764350000000,
  TicketChallenges1764360000000,
  SignUpAndUniquePhone1764370000000,
  Avatars1764380000000,
  UnloggedCodeExchanges1764390000000,
  RoomForSignInUpdates1764400000000,
  TimeOrderedIds1764410000000,
  OpenidIndexDropped1764420000000,
  SignupTicketChallenges1764430000000,
  HandOffTicketSessions1764430000001,
];
