import type { AvatarImage } from './avatar-image';

/** A picture to keep as someone's avatar. */
export interface StoredAvatarRequest extends AvatarImage {
  userId: string;
  /** Where this service serves avatars it keeps itself (`<public base URL>/auth/avatars`), for storages that use it. */
  servedFrom: string;
}

/**
 * Where avatars live. The default keeps them in PostgreSQL and serves them
 * at `GET /auth/avatars/:name`; pass your own (object storage, a CDN) as the
 * module option `avatars.storage`: `put` answers the stable URL to show.
 */
export interface AvatarStorage {
  put(avatar: StoredAvatarRequest): Promise<string>;
}

export const AVATAR_STORAGE = Symbol('AVATAR_STORAGE');
