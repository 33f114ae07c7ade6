import { Injectable } from '@nestjs/common';
import { InjectWechatAuthDataSource } from '../core/data-source';
import { DataSource } from 'typeorm';
import { User } from './entities/user.entity';
import { WechatIdentity } from './entities/wechat-identity.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectWechatAuthDataSource() private readonly dataSource: DataSource) {}


  findWithIdentities(id: string): Promise<User | null> {
    return this.dataSource.manager.findOne(User, {
      where: { id },
      relations: { identities: true },
      order: { identities: { createdAt: 'ASC' } },
    });
  }

  /** The user an identity is bound to now (after any merge). */
  findByIdentity(identityId: string): Promise<User | null> {
    return this.dataSource.manager
      .createQueryBuilder(User, 'user')
      .innerJoin(WechatIdentity, 'identity', 'identity.user_id = user.id')
      .where('identity.id = :identityId', { identityId })
      .getOne();
  }
}
