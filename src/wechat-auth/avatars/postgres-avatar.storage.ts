import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors/app-error';
import { AvatarContentType } from './avatar-image';
import { AvatarStorage, StoredAvatarRequest } from './avatar-storage';
import { AvatarsRepository } from './avatars.repository';

const EXTENSIONS: Record<AvatarContentType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** The default: avatars in PostgreSQL, served by this service at `<public base URL>/auth/avatars/<name>`. */
export class PostgresAvatarStorage implements AvatarStorage {
  constructor(private readonly avatars: AvatarsRepository) {}

  async put(avatar: StoredAvatarRequest): Promise<string> {
    const name = `${randomBytes(16).toString('base64url')}.${EXTENSIONS[avatar.contentType]}`;
    if (!(await this.avatars.replace(avatar.userId, name, avatar))) throw new AppError('session_revoked', 'This account no longer exists. Sign in again.');
    return `${avatar.servedFrom}/${name}`;
  }
}
