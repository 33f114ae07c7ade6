import { Module } from '@nestjs/common';
import { DataCipher } from '../core/crypto/data-cipher';
import { IdentityLinker } from './identity-linker.service';
import { IdentityRepository } from './identity.repository';
import { SessionKeyRepository } from './session-key.repository';
import { UserProfileRepository } from './user-profile.repository';
import { UsersRepository } from './users.repository';

@Module({
  providers: [IdentityRepository, IdentityLinker, UsersRepository, DataCipher, SessionKeyRepository, UserProfileRepository],
  exports: [IdentityLinker, UsersRepository, DataCipher, SessionKeyRepository, UserProfileRepository],
})
export class UsersModule {}
