import { ApiProperty } from '@nestjs/swagger';
import { User } from './entities/user.entity';
import { WechatIdentity } from './entities/wechat-identity.entity';
import { WECHAT_APP_TYPES } from '../wechat/apps/wechat-app';

/** An identity as callers may see it: never its session_key. */
export class IdentityView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Our key of the WeChat app.' }) app: string;
  @ApiProperty() appid: string;
  @ApiProperty({ enum: WECHAT_APP_TYPES }) appType: string;
  @ApiProperty() openid: string;
  @ApiProperty({ type: String, nullable: true }) unionid: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) lastLoginAt: Date | null;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) nickname: string | null;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ enum: ['active', 'disabled', 'deleted'] }) status: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [IdentityView] }) identities: IdentityView[];
}

export function toIdentityView(identity: WechatIdentity): IdentityView {
  return {
    id: identity.id,
    app: identity.appKey,
    appid: identity.appid,
    appType: identity.appType,
    openid: identity.openid,
    unionid: identity.unionid,
    createdAt: identity.createdAt,
    lastLoginAt: identity.lastLoginAt,
  };
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    nickname: user.nickname,
    avatarUrl: user.avatarUrl,
    phone: user.phone,
    roles: user.roles,
    status: user.status,
    createdAt: user.createdAt,
    identities: (user.identities ?? []).map(toIdentityView),
  };
}
