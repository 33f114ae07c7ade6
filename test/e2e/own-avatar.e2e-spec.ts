import { randomBytes } from 'node:crypto';
import { bearer } from '../support/miniprogram-data';
import { loginAs, startTestApp, TestApp } from '../support/test-app';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(200)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(300)]);

/** A person uploads their own picture (WeChat no longer hands avatars out), the way a Mini Program sends one. */
describe('own avatar', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
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
    expect(served.headers['cache-control']).toContain('immutable');
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
});
