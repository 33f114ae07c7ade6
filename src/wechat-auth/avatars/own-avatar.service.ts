import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../core/errors/app-error';
import { WechatAuthConfig } from '../options/wechat-auth-config';
import { AccountView } from '../users/account-view.service';
import { UserProfileRepository } from '../users/user-profile.repository';
import { UserView } from '../users/user.view';
import { AvatarImage, avatarImage } from './avatar-image';
import { AVATAR_STORAGE, AvatarStorage } from './avatar-storage';
import { AvatarsRepository } from './avatars.repository';

/**
 * A person's own picture. Since WeChat stopped handing out avatars (the
 * chooseAvatar button gives the Mini Program a local file), the picture
 * comes from them, and is kept where the configured storage keeps it.
 */
@Injectable()
export class OwnAvatar {
  constructor(
    @Inject(AVATAR_STORAGE) private readonly storage: AvatarStorage,
    private readonly avatars: AvatarsRepository,
    private readonly profiles: UserProfileRepository,
    private readonly accounts: AccountView,
    private readonly config: WechatAuthConfig,
  ) {}

  /** `routePrefix`: the path the host serves the module under (a global prefix), so avatar URLs point at this service. */
  async replace(userId: string, picture: Buffer, routePrefix: string): Promise<UserView> {
    const image = avatarImage(picture);
    const servedFrom = `${this.config.oauth.publicBaseUrl}${routePrefix}/auth/avatars`;
    const url = await this.storage.put({ userId, ...image, servedFrom });
    if (!(await this.profiles.updateProfile(userId, { avatarUrl: url }))) throw new AppError('session_revoked', 'This account no longer exists. Sign in again.');
    return this.accounts.of(userId);
  }

  /** A picture the default storage keeps, by the last segment of its URL. */
  async find(name: string): Promise<AvatarImage> {
    const image = /^[A-Za-z0-9_-]{22}\.(png|jpg|webp)$/.test(name) ? await this.avatars.find(name) : null;
    if (!image) throw new AppError('not_found');
    return image;
  }
}
