import { Injectable } from '@nestjs/common';
import { AppError } from '../core/errors/app-error';
import { toUserView, UserView } from './user.view';
import { UsersRepository } from './users.repository';

/** The `/auth/me` body of a user: what every route that changes one's own account answers. */
@Injectable()
export class AccountView {
  constructor(private readonly users: UsersRepository) {}

  async of(userId: string): Promise<UserView> {
    const user = await this.users.findWithIdentities(userId);
    if (!user) throw new AppError('session_revoked', 'This account no longer exists. Sign in again.');
    return toUserView(user);
  }
}
