import { AvatarStorage, StoredAvatarRequest } from '../../src/wechat-auth';
import { OwnAvatar } from '../../src/wechat-auth/avatars/own-avatar.service';
import type { AvatarsRepository } from '../../src/wechat-auth/avatars/avatars.repository';
import type { WechatAuthConfig } from '../../src/wechat-auth';
import type { AccountView } from '../../src/wechat-auth/users/account-view.service';
import type { UserProfileRepository } from '../../src/wechat-auth/users/user-profile.repository';

/** A host swaps the storage (object storage, a CDN): the module keeps whatever URL it answers. */
describe('OwnAvatar with a storage of the host', () => {
  it('hands the checked picture to the storage and stores the URL it answers', async () => {
    const put: StoredAvatarRequest[] = [];
    const storage: AvatarStorage = {
      put: (avatar) => {
        put.push(avatar);
        return Promise.resolve(`https://cdn.shop.example/avatars/${avatar.userId}.webp`);
      },
    };
    const stored: Array<{ userId: string; avatarUrl?: string | null }> = [];
    const profiles = { updateProfile: (userId: string, update: { avatarUrl?: string | null }) => (stored.push({ userId, ...update }), Promise.resolve(true)) };
    const accounts = { of: (userId: string) => Promise.resolve({ id: userId }) };
    const config = { oauth: { publicBaseUrl: 'https://api.shop.example' } };
    const avatars = new OwnAvatar(storage, {} as AvatarsRepository, profiles as unknown as UserProfileRepository, accounts as unknown as AccountView, config as WechatAuthConfig);

    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(32)]);
    await avatars.replace('user-1', webp, '/api');

    expect(put).toEqual([{ userId: 'user-1', bytes: webp, contentType: 'image/webp', servedFrom: 'https://api.shop.example/api/auth/avatars' }]);
    expect(stored).toEqual([{ userId: 'user-1', avatarUrl: 'https://cdn.shop.example/avatars/user-1.webp' }]);
  });
});
