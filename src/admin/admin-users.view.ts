import { ApiProperty } from '@nestjs/swagger';
import { LoginEvent } from '../wechat-auth/login/login-events/login-event.entity';
import { Session } from '../wechat-auth/sessions/session.entity';
import { User } from '../wechat-auth/users/entities/user.entity';
import { IdentityView, toIdentityView } from '../wechat-auth/users/user.view';

/** A user as the admin list shows it: the phone masked, never a session_key or a token. */
export class AdminUserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) nickname: string | null;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
  @ApiProperty({ type: String, nullable: true, example: '138****5678' }) phone: string | null;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ enum: ['active', 'disabled', 'deleted'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) unionid: string | null;
  @ApiProperty({ description: 'True when the user has a unionid, which links its identities across apps.' }) linked: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) lastLoginAt: Date | null;
  @ApiProperty({ type: [IdentityView] }) identities: IdentityView[];
}

export class AdminUserPage {
  @ApiProperty({ type: [AdminUserView] }) items: AdminUserView[];
  @ApiProperty({ description: 'Exact up to 1,000 matches; beyond, 1,000 and totalCapped.' }) total: number;
  @ApiProperty({ description: 'True when the list has more matches than total says.' }) totalCapped: boolean;
  @ApiProperty({ description: 'The page number asked for; 1 for a page asked for with after.' }) page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty({ type: String, nullable: true, description: 'Pass as after for the next page (an index seek at any depth); null on the last page.' })
  nextCursor: string | null;
}

export class AdminSessionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) app: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) lastRefreshedAt: Date | null;
  @ApiProperty() expiresAt: Date;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
}

export class LoginEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The login flow (miniprogram, ...) or the account event (admin_disable, ...).' }) kind: string;
  @ApiProperty({ type: String, nullable: true }) app: string | null;
  @ApiProperty({ enum: ['success', 'failure'] }) result: string;
  @ApiProperty({ type: String, nullable: true }) errorCode: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ type: Object, nullable: true, description: 'For admin actions: adminId, the admin who acted.' }) detail: LoginEvent['detail'];
  @ApiProperty() createdAt: Date;
}

/** One user in full for an admin: the phone unmasked, its active sessions and its recent login history. */
export class AdminUserDetail extends AdminUserView {
  @ApiProperty({ type: [AdminSessionView] }) sessions: AdminSessionView[];
  @ApiProperty({ type: [LoginEventView] }) loginEvents: LoginEventView[];
}

/** Enough of a phone number to tell two apart, not enough to call it: 138****5678. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

export function toAdminUserView(user: User, options: { maskPhone: boolean }): AdminUserView {
  return {
    id: user.id,
    nickname: user.nickname,
    avatarUrl: user.avatarUrl,
    phone: options.maskPhone ? maskPhone(user.phone) : user.phone,
    roles: user.roles,
    status: user.status,
    unionid: user.unionid,
    linked: user.unionid !== null,
    createdAt: user.createdAt,
    lastLoginAt: user.lastLoginAt,
    identities: (user.identities ?? []).map(toIdentityView),
  };
}

export function toAdminSessionView(session: Session): AdminSessionView {
  return {
    id: session.id,
    app: session.appKey,
    createdAt: session.createdAt,
    lastRefreshedAt: session.lastRefreshedAt,
    expiresAt: session.expiresAt,
    ip: session.ip,
    userAgent: session.userAgent,
  };
}

export function toLoginEventView(event: LoginEvent): LoginEventView {
  return {
    id: event.id,
    kind: event.kind,
    app: event.appKey,
    result: event.result,
    errorCode: event.errorCode,
    ip: event.ip,
    userAgent: event.userAgent,
    detail: event.detail,
    createdAt: event.createdAt,
  };
}
