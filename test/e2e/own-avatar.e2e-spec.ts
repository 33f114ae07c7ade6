import { Injectable, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { OnUsersMerged } from '../../src/wechat-auth';
import { bearer } from '../support/miniprogram-data';
import { oauthLogin, setPersona } from '../support/oauth';
import { RawConnection } from '../support/raw-http';
import { loginAs, persona, startTestApp, TestApp, TokenPairBody, wxLogin } from '../support/test-app';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(300)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), randomBytes(300)]);
/** A picture as large as may be: uploading it takes a moment, which is what the races below need. */
const LARGEST_PNG = Buffer.concat([PNG, randomBytes(1024 * 1024 - PNG.length)]);

/** A host module's merge subscriber that a test can hold, keeping a merge's transaction open halfway. */
@Injectable()
class MergeGate {
  private held?: { reached: () => void; released: Promise<void> };

  /** Holds the next merge at its subscribers until `release` is called; resolves once a merge is held. */
  hold(): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    this.held = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
    return { reached: reachedPromise, release };
  }

  @OnUsersMerged()
  async wait(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    held?.reached();
    await held?.released;
  }
}

@Module({ providers: [MergeGate] })
class MergeGateModule {}

/** A person uploads their own picture (WeChat no longer hands avatars out), the way a Mini Program sends one. */
describe('own avatar', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({}, [MergeGateModule])));
  afterAll(() => t.close());

  const upload = (accessToken: string, bytes: Buffer, contentType = 'image/png') =>
    t.http.post('/auth/me/avatar').set(bearer(accessToken)).set('content-type', contentType).send(bytes);

  function fetchAvatar(url: string) {
    expect(url.startsWith(`${t.url}/auth/avatars/`)).toBe(true);
    return t.http.get(new URL(url).pathname).buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });
  }

  it('keeps a PNG sent as the body and serves it at a stable URL as an image that is never sniffed', async () => {
    const { accessToken } = await loginAs(t);
    const me = (await upload(accessToken, PNG).expect(200)).body as { avatarUrl: string };
    expect(me.avatarUrl).toMatch(/\/auth\/avatars\/[A-Za-z0-9_-]{22}\.png$/);
    const served = await fetchAvatar(me.avatarUrl).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    // Cached, but not for a year: a deleted account's picture must leave shared caches within a day.
    expect(served.headers['cache-control']).toBe('public, max-age=86400, immutable');
    expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);
    expect((await t.http.get('/auth/me').set(bearer(accessToken)).expect(200)).body.avatarUrl).toBe(me.avatarUrl);
  });

  it("takes wx.uploadFile's multipart file and replaces the earlier picture", async () => {
    const { accessToken } = await loginAs(t);
    const first = (await upload(accessToken, PNG).expect(200)).body.avatarUrl as string;
    const second = await t.http.post('/auth/me/avatar').set(bearer(accessToken)).attach('file', JPEG, { filename: 'tmp.jpg', contentType: 'image/jpeg' }).expect(200);
    expect(second.body.avatarUrl).toMatch(/\.jpg$/);
    expect((await fetchAvatar(second.body.avatarUrl as string).expect(200)).headers['content-type']).toBe('image/jpeg');
    await fetchAvatar(first).expect(404);
  });

  it('judges the picture by its bytes and size, not by what the client claims', async () => {
    const { accessToken } = await loginAs(t);
    const page = Buffer.from('<html><script>alert(1)</script></html>');
    expect((await upload(accessToken, page).expect(400)).body).toEqual({ statusCode: 400, error: 'invalid_request', message: expect.stringMatching(/PNG, JPEG or WebP/) });
    const huge = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    expect((await upload(accessToken, huge).expect(413)).body.error).toBe('payload_too_large');
    expect((await upload(accessToken, PNG, 'application/json').expect(400)).body.error).toBe('invalid_request');
    expect((await t.http.get('/auth/me').set(bearer(accessToken)).expect(200)).body.avatarUrl).toBeNull();
    expect((await t.http.post('/auth/me/avatar').set('content-type', 'image/png').send(PNG).expect(401)).body.error).toBe('unauthorized');
  });

  it('goes with the account when it is deleted', async () => {
    const { accessToken } = await loginAs(t);
    const url = (await upload(accessToken, PNG).expect(200)).body.avatarUrl as string;
    await t.http.delete('/auth/me').set(bearer(accessToken)).expect(204);
    await fetchAvatar(url).expect(404);
  });

  it('takes every kind of body it took before, up to a picture of exactly 1 MB', async () => {
    const { accessToken } = await loginAs(t);
    const bodies: Array<[Buffer, string, RegExp]> = [
      [PNG, 'image/png', /\.png$/],
      [JPEG, 'image/jpeg', /\.jpg$/],
      [WEBP, 'image/webp', /\.webp$/],
      [JPEG, 'application/octet-stream', /\.jpg$/],
      [LARGEST_PNG, 'image/png', /\.png$/],
    ];
    for (const [bytes, contentType, extension] of bodies) {
      const url = (await upload(accessToken, bytes, contentType).expect(200)).body.avatarUrl as string;
      expect(url).toMatch(extension);
      expect(Buffer.compare((await fetchAvatar(url).expect(200)).body as Buffer, bytes)).toBe(0);
    }
    const multipart = await t.http.post('/auth/me/avatar').set(bearer(accessToken)).attach('file', LARGEST_PNG, { filename: 'tmp.png', contentType: 'image/png' }).expect(200);
    expect(Buffer.compare((await fetchAvatar(multipart.body.avatarUrl as string).expect(200)).body as Buffer, LARGEST_PNG)).toBe(0);
  });

  it.each([
    ['an absolute-form request target', 'munity://x/auth/me/avatar'],
    ['a target in capitals', '/AUTH/ME/AVATAR'],
  ])('builds the URL from the public base URL and its own route, whatever the request target says: %s', async (_label, target) => {
    const { accessToken } = await loginAs(t);
    const connection = await RawConnection.open(t.url);
    try {
      connection.send(
        `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${accessToken}\r\nContent-Type: image/png\r\nContent-Length: ${PNG.length}\r\nConnection: close\r\n\r\n`,
      );
      connection.send(PNG);
      const answer = await connection.answer();
      // A target the router does not take is not found (Fastify matches paths exactly, Express does not); one it takes gets a URL on the public base.
      expect([200, 404]).toContain(answer.status);
      if (answer.status === 404) return;
      const { avatarUrl } = JSON.parse(answer.body) as { avatarUrl: string };
      expect(avatarUrl).toMatch(new RegExp(`^${t.config.oauth.publicBaseUrl.replace(/[.:/]/g, '\\$&')}/auth/avatars/[A-Za-z0-9_-]{22}\\.png$`));
      expect(Buffer.compare((await fetchAvatar(avatarUrl).expect(200)).body as Buffer, PNG)).toBe(0);
    } finally {
      connection.close();
    }
  });

  it('lets nobody cache a missing picture or any other error', async () => {
    for (const name of ['AAAAAAAAAAAAAAAAAAAAAA.png', 'not-a-name']) {
      const missing = await t.http.get(`/auth/avatars/${name}`).expect(404);
      expect(missing.headers['cache-control']).toBe('no-store');
    }
  });

  it('keeps no picture for an account deleted while its upload is under way', async () => {
    const db = t.app.get(DataSource);
    for (let round = 0; round < 8; round++) {
      const { accessToken, user } = await loginAs(t);
      const [uploaded, deleted] = await Promise.all([upload(accessToken, LARGEST_PNG), t.http.delete('/auth/me').set(bearer(accessToken))]);
      expect(deleted.status).toBe(204);
      // Either the upload came first (and the deletion took its picture away) or it is refused: never a 500.
      expect([200, 401]).toContain(uploaded.status);
      expect(await db.query(`SELECT 1 FROM avatars WHERE user_id = $1`, [user.id])).toHaveLength(0);
      expect(await db.query(`SELECT 1 FROM users WHERE id = $1 AND avatar_url IS NOT NULL`, [user.id])).toHaveLength(0);
    }
  });

  /** An upload whose first half is sent, then `meanwhile` runs to its end, then the rest: the upload is under way all along. */
  async function uploadAround<T>(accessToken: string, meanwhile: () => Promise<T>): Promise<{ status: number; body: { avatarUrl?: string }; meanwhile: T }> {
    const connection = await RawConnection.open(t.url);
    try {
      connection.send(
        `POST /auth/me/avatar HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${accessToken}\r\nContent-Type: image/png\r\nContent-Length: ${LARGEST_PNG.length}\r\n\r\n`,
      );
      const half = LARGEST_PNG.length / 2;
      connection.send(LARGEST_PNG.subarray(0, half));
      const result = await meanwhile();
      connection.send(LARGEST_PNG.subarray(half));
      const answer = await connection.answer();
      return { status: answer.status, body: JSON.parse(answer.body) as { avatarUrl?: string }, meanwhile: result };
    } finally {
      connection.close();
    }
  }

  it('refuses the picture of a user merged into another while its upload was under way, never with a 500', async () => {
    const db = t.app.get(DataSource);
    for (let round = 0; round < 3; round++) {
      // Two users of one person: WeChat withheld the unionid at the first sign-in.
      const user = persona('avatar-merge');
      await setPersona(t, { user, unionidWithheld: true });
      const early = await loginAs(t, user);
      await setPersona(t, { user, unionidWithheld: false });
      const survivor = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
      expect(survivor.user.id).not.toBe(early.user.id);

      // The next Mini Program sign-in brings the unionid and merges the early user into the survivor, while the early user uploads.
      const code = await wxLogin(t, user);
      const uploaded = await uploadAround(early.accessToken, () => t.http.post('/auth/wechat/miniprogram/login').send({ code }));
      expect((uploaded.meanwhile.body as TokenPairBody).user.id).toBe(survivor.user.id);
      expect(uploaded.status).toBe(401);
      expect(uploaded.body).toEqual({ statusCode: 401, error: 'session_revoked', message: expect.any(String) });
      expect(await db.query(`SELECT 1 FROM avatars WHERE user_id = $1`, [early.user.id])).toHaveLength(0);
    }
  });

  it('keeps no picture for a user being merged away while the merge moves its rows: the upload waits, then is refused', async () => {
    const db = t.app.get(DataSource);
    const user = persona('avatar-merge-held');
    await setPersona(t, { user, unionidWithheld: true });
    const early = await loginAs(t, user);
    await setPersona(t, { user, unionidWithheld: false });
    const survivor = await oauthLogin(t, user, { scope: 'snsapi_userinfo' });
    const code = await wxLogin(t, user);

    const gate = t.app.get(MergeGate).hold();
    const connection = await RawConnection.open(t.url);
    try {
      connection.send(
        `POST /auth/me/avatar HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${early.accessToken}\r\nContent-Type: image/png\r\nContent-Length: ${PNG.length}\r\n\r\n`,
      );
      const merging = t.http.post('/auth/wechat/miniprogram/login').send({ code }).then((response) => response);
      // The merge's subscribers are moving the early user's rows (its avatar among them) when the picture arrives.
      await gate.reached;
      connection.send(PNG);
      await sleep(300);
      gate.release();
      const [answer, merged] = await Promise.all([connection.answer(), merging]);
      expect((merged.body as TokenPairBody).user.id).toBe(survivor.user.id);
      expect(answer.status).toBe(401);
      expect(await db.query(`SELECT 1 FROM avatars WHERE user_id = ANY($1)`, [[early.user.id, survivor.user.id]])).toHaveLength(0);
    } finally {
      gate.release();
      connection.close();
    }
  });

  it('keeps no picture for an account deleted while its upload was under way', async () => {
    const db = t.app.get(DataSource);
    const { accessToken, user } = await loginAs(t);
    const uploaded = await uploadAround(accessToken, () => t.http.delete('/auth/me').set(bearer(accessToken)));
    expect(uploaded.meanwhile.status).toBe(204);
    expect(uploaded.status).toBe(401);
    expect(await db.query(`SELECT 1 FROM avatars WHERE user_id = $1`, [user.id])).toHaveLength(0);
  });
});
