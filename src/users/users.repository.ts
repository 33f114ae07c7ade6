import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { User } from './entities/user.entity';

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: string): Promise<User | null> {
    return this.dataSource.manager.findOne(User, { where: { id } });
  }

  findWithIdentities(id: string): Promise<User | null> {
    return this.dataSource.manager.findOne(User, {
      where: { id },
      relations: { identities: true },
      order: { identities: { createdAt: 'ASC' } },
    });
  }
}
