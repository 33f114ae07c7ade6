import { Injectable } from '@nestjs/common';
import { AuthUser } from '../wechat-auth/tokens/auth-user';
import { LoginEventsRepository } from '../wechat-auth/login/login-events/login-events.repository';
import { ClientInfo, SessionService } from '../wechat-auth/sessions/session.service';
import { UserStatusService } from '../wechat-auth/sessions/user-status.service';
import { AppError } from '../wechat-auth/core/errors/app-error';
import { User } from '../wechat-auth/users/entities/user.entity';
import { UsersRepository } from '../wechat-auth/users/users.repository';
import { IdentityUnbinder } from '../wechat-auth/users/identity-unbinder.service';
import { ListUsersQuery } from './admin-users.dto';
import { decodeCursor, encodeCursor } from './admin-list-cursor';
import { AdminUsersRepository } from './admin-users.repository';
import {
  AdminUserDetail,
  AdminUserPage,
  AdminUserView,
  toAdminSessionView,
  toAdminUserView,
  toLoginEventView,
} from './admin-users.view';

const DEFAULT_PAGE_SIZE = 20;

/** Who did what from where: every admin action is written to the target user's login history. */
export interface AdminAction {
  admin: AuthUser;
  client: ClientInfo;
}

@Injectable()
export class AdminUsersService {
  constructor(
    private readonly adminUsers: AdminUsersRepository,
    private readonly users: UsersRepository,
    private readonly statuses: UserStatusService,
    private readonly sessions: SessionService,
    private readonly events: LoginEventsRepository,
    private readonly unbinder: IdentityUnbinder,
  ) {}

  async list(query: ListUsersQuery): Promise<AdminUserPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    if (query.after !== undefined && page !== 1) throw new AppError('invalid_request', 'Give either page or after, not both.');
    const start = query.after !== undefined ? { after: decodeCursor(query.after) } : { offset: (page - 1) * pageSize };
    const linked = query.linked === undefined ? undefined : query.linked === 'true';
    const { users, next, total, totalCapped } = await this.adminUsers.list({ q: query.q, app: query.app, linked, status: query.status }, start, pageSize);
    return {
      items: users.map((user) => toAdminUserView(user, { maskPhone: true })),
      total,
      totalCapped,
      page,
      pageSize,
      nextCursor: next ? encodeCursor(next) : null,
    };
  }

  async detail(userId: string): Promise<AdminUserDetail> {
    const user = await this.existingUser(userId);
    const [sessions, events] = await Promise.all([this.adminUsers.activeSessions(userId), this.adminUsers.recentLoginEvents(userId)]);
    return {
      ...toAdminUserView(user, { maskPhone: false }),
      sessions: sessions.map(toAdminSessionView),
      loginEvents: events.map(toLoginEventView),
    };
  }

  async setDisabled(action: AdminAction, userId: string, disabled: boolean): Promise<AdminUserView> {
    if (disabled && userId === action.admin.id) throw new AppError('invalid_request', 'You cannot disable your own account.');
    if (!(await this.statuses.setDisabled(userId, disabled))) throw new AppError('not_found', 'No such user.');
    await this.record(action, userId, disabled ? 'admin_disable' : 'admin_enable');
    return toAdminUserView(await this.existingUser(userId), { maskPhone: false });
  }

  async revokeSessions(action: AdminAction, userId: string): Promise<{ revoked: number }> {
    await this.existingUser(userId);
    const revoked = await this.sessions.revokeUserSessions(userId, 'admin_revoked');
    await this.record(action, userId, 'admin_revoke_sessions', { revoked });
    return { revoked };
  }

  /** The sessions opened through the unbound identity's app end with it. */
  async unbindIdentity(action: AdminAction, userId: string, identityId: string): Promise<void> {
    const unbound = await this.unbinder.unbind(userId, identityId);
    if (!unbound) throw new AppError('not_found', 'This user has no such identity.');
    await this.events.record({
      ...this.actionEvent(action, userId, 'admin_unbind_identity', { identityId, openid: unbound.openid, revoked: unbound.revokedSessions }),
      appKey: unbound.appKey,
    });
  }

  private async existingUser(userId: string): Promise<User> {
    const user = await this.users.findWithIdentities(userId);
    if (!user) throw new AppError('not_found', 'No such user.');
    return user;
  }

  private async record(action: AdminAction, userId: string, kind: string, detail: Record<string, string | number> = {}): Promise<void> {
    await this.events.record(this.actionEvent(action, userId, kind, detail));
  }

  private actionEvent(action: AdminAction, userId: string, kind: string, detail: Record<string, string | number>) {
    return {
      userId,
      kind,
      result: 'success' as const,
      ip: action.client.ip,
      userAgent: action.client.userAgent,
      detail: { adminId: action.admin.id, ...detail },
    };
  }
}
