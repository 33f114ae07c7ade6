import { Injectable } from '@nestjs/common';
import { AppError } from '../core/errors/app-error';
import { AccountView } from './account-view.service';
import { cleanNickname } from './profile-rules';
import { UserView } from './user.view';
import { UserProfileRepository } from './user-profile.repository';

/** What a person sets about themselves: since WeChat stopped handing out names, the nickname comes from them. */
@Injectable()
export class OwnProfile {
  constructor(
    private readonly profiles: UserProfileRepository,
    private readonly accounts: AccountView,
  ) {}

  async rename(userId: string, nickname: string): Promise<UserView> {
    const cleaned = cleanNickname(nickname);
    if (!cleaned) throw new AppError('invalid_request', 'nickname has nothing to show once invisible characters are removed, or is WeChat’s placeholder.');
    if (!(await this.profiles.updateProfile(userId, { nickname: cleaned }))) throw new AppError('session_revoked', 'This account no longer exists. Sign in again.');
    return this.accounts.of(userId);
  }
}
