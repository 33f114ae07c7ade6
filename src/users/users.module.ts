import { Module } from '@nestjs/common';
import { IdentityLinker } from './identity-linker.service';
import { IdentityRepository } from './identity.repository';
import { UsersRepository } from './users.repository';

@Module({
  providers: [IdentityRepository, IdentityLinker, UsersRepository],
  exports: [IdentityLinker, UsersRepository],
})
export class UsersModule {}
