import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '../core/errors/app-error';
import { UserLifecycle } from '../lifecycle/user-lifecycle.service';
import { LoginEventsRepository } from '../login/login-events/login-events.repository';
import { ClientInfo, SessionOwnerGone, SessionService } from '../sessions/session.service';
import { TokenPair } from '../sessions/token-pair';
import { WechatAppRegistry } from '../wechat/apps/wechat-app-registry';
import { WECHAT_APP_TYPES } from '../wechat/apps/wechat-app';
import { User } from './entities/user.entity';
import { cleanProfile } from './profile-rules';
import { UserProfileRepository } from './user-profile.repository';
import { UsersRepository } from './users.repository';

export interface NewHostUser {
  /**
   * A phone number the host verified itself (SMS), written as WeChat writes
   * verified numbers: mainland numbers without +86, others with their country
   * code. A WeChat sign-up showing the same number then joins this user.
   */
  phone?: string | null;
  nickname?: string | null;
  roles?: string[];
}

const PHONE_PATTERN = /^\+?[0-9]{5,20}$/;

function checkedPhone(phone: string | null | undefined): string | null {
  if (phone && !PHONE_PATTERN.test(phone)) throw new AppError('invalid_request', 'phone must be 5 to 20 digits, optionally after a +.');
  return phone ?? null;
}

/**
 * Users for the host's own sign-in methods (password, SMS, another provider):
 * make them, find them, and open a session for one the host authenticated,
 * with the same token pair, guards and revocation as a WeChat sign-in. The
 * bind routes then attach WeChat to such a user.
 */
@Injectable()
export class UserAccounts {
  constructor(
    private readonly users: UsersRepository,
    private readonly profiles: UserProfileRepository,
    private readonly sessions: SessionService,
    private readonly lifecycle: UserLifecycle,
    private readonly events: LoginEventsRepository,
    private readonly apps: WechatAppRegistry,
  ) {}

  /**
   * A new user; `phone_in_use` when another user holds the phone. Pass
   * `manager` to create it inside the host's own transaction; the
   * `@OnUserCreated()` subscribers are then not called (the host is the one
   * creating it and knows), since only the host knows when it commits.
   */
  async create(input: NewHostUser = {}, manager?: EntityManager): Promise<User> {
    const nickname = cleanProfile({ nickname: input.nickname }).nickname ?? null;
    const user = await this.users.create({ phone: checkedPhone(input.phone), nickname, roles: input.roles ?? ['user'] }, manager);
    if (!manager) this.lifecycle.publish([{ name: 'user.created', payload: { userId: user.id, identityId: null, appKey: null } }]);
    return user;
  }

  /** A user with its WeChat identities; null for an unknown or deleted id. */
  async findById(id: string): Promise<User | null> {
    const user = await this.users.findWithIdentities(id);
    return user && user.status !== 'deleted' ? user : null;
  }

  findByPhone(phone: string): Promise<User | null> {
    return this.users.findByPhone(phone);
  }

  /** Gives the user a phone number the host verified; `phone_in_use` when another user holds it. */
  async setPhone(userId: string, phone: string): Promise<void> {
    if (!(await this.profiles.setPhone(userId, checkedPhone(phone)!))) throw new AppError('not_found', 'No such user.');
  }

  /**
   * Signs in a user the host authenticated itself: a session like a WeChat
   * sign-in's, counted as a fresh sign-in (account deletion accepts it).
   * `user_disabled` for a disabled user, `not_found` for an unknown one.
   */
  async openSession(userId: string, client: Partial<ClientInfo> = {}): Promise<TokenPair> {
    const user = await this.findById(userId);
    if (!user) throw new AppError('not_found', 'No such user.');
    const where = { ip: client.ip ?? null, userAgent: client.userAgent ?? null };
    const pair = await this.sessions.start(user, false, null, where, new Date()).catch((error: unknown) => {
      throw error instanceof SessionOwnerGone ? new AppError('not_found', 'No such user.') : error;
    });
    await this.events.record({ kind: 'host', userId, result: 'success', ...where });
    return pair;
  }

  /**
   * The user's openid in one app (for subscribe messages, payments and other
   * WeChat APIs), or null when they never signed in to it. Take it from
   * here, never from a token's claims: tokens name users, not identities.
   */
  openidFor(userId: string, appKey: string): Promise<string | null> {
    return this.users.openidIn(userId, this.apps.resolve(appKey, WECHAT_APP_TYPES).key);
  }
}
