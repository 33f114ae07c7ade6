import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { freePort } from '../support/global-setup';
import { HostSignUpRules } from '../support/host-app/accounts';
import { hostAppModule } from '../support/host-app/host-app.module';
import { pkce } from '../support/oauth';
import { persona, startTestApp, TestApp, uniquePhone } from '../support/test-app';

const MINIPROGRAM = DEMO_APPS.find((app) => app.type === 'miniprogram')!;
const OFFICIAL_ACCOUNT = DEMO_APPS.find((app) => app.type === 'official_account')!;

/** A database of its own, so the host runs the module's migrations with its own as a new team would. */
async function withDatabase(action: 'create' | 'drop', name: string): Promise<void> {
  const admin = new Client(process.env.DATABASE_URL);
  await admin.connect();
  try {
    await admin.query(action === 'create' ? `CREATE DATABASE ${name}` : `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Sends the events in order on one socket, and answers the first message that comes back. */
async function firstAnswerOverWebSocket(url: string, events: string[]): Promise<{ event: string; data: unknown }> {
  const socket = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const answer = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    for (const event of events) socket.send(JSON.stringify({ event, data: {} }));
    return JSON.parse(await answer) as { event: string; data: unknown };
  } finally {
    socket.close();
  }
}

describe.each(['express', 'fastify'] as const)('a host app of its own imports the module with forRootAsync, on %s', (platform) => {
  const databaseName = `host_app_${randomUUID().replace(/-/g, '')}`;
  let wechat: TestApp;
  let host: INestApplication;
  let http: ReturnType<typeof request>;
  let socketUrl: string;

  beforeAll(async () => {
    await withDatabase('create', databaseName);
    // This repository's app only serves the WeChat sandbox here; the host talks to it over HTTP like to WeChat.
    wechat = await startTestApp();
    const port = await freePort();
    const databaseUrl = new URL(process.env.DATABASE_URL!);
    databaseUrl.pathname = `/${databaseName}`;
    const root = hostAppModule({ databaseUrl: databaseUrl.toString(), sandboxUrl: `${wechat.url}/sandbox`, publicBaseUrl: `http://127.0.0.1:${port}` });
    host = platform === 'fastify' ? await NestFactory.create(root, new FastifyAdapter(), { logger: false }) : await NestFactory.create(root, { logger: false });
    host.setGlobalPrefix('api');
    host.useWebSocketAdapter(new WsAdapter(host));
    await host.listen(port, '127.0.0.1');
    http = request(`http://127.0.0.1:${port}`);
    socketUrl = `ws://127.0.0.1:${port}/ws`;
  });

  afterAll(async () => {
    await host?.close();
    await wechat?.close();
    await withDatabase('drop', databaseName);
  });

  const hostDb = () => host.get<{ query(sql: string, params?: unknown[]): Promise<unknown> }>('hostDataSource');

  async function miniProgramLogin(): Promise<{ accessToken: string; user: { id: string } }> {
    const { code } = (await wechat.http.post('/sandbox/wx.login').send({ appid: MINIPROGRAM.appid, user: persona() }).expect(200)).body as { code: string };
    return (await http.post('/api/auth/wechat/miniprogram/login').send({ code }).expect(200)).body;
  }

  it('signs a Mini Program user in through the sandbox, under the host global prefix', async () => {
    const login = await miniProgramLogin();
    const orders = await http.get('/api/orders').set('Authorization', `Bearer ${login.accessToken}`).expect(200);
    expect(orders.body).toEqual({ userId: login.user.id });
  });

  it('keeps the host prefix in the OAuth callback URL and completes the login', async () => {
    const browser = pkce();
    const authorize = await http.get(`/api/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`).query({ returnTo: '/done', challenge: browser.challenge }).expect(302);
    const page = new URL((authorize.headers.location as string).split('#')[0]);
    const redirectUri = new URL(page.searchParams.get('redirect_uri')!);
    expect(redirectUri.pathname).toBe(`/api/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/callback`);

    page.searchParams.set('user', persona());
    const consent = await wechat.http.get(page.pathname + page.search).expect(302);
    const callbackUrl = new URL(consent.headers.location as string);
    const callback = await http.get(callbackUrl.pathname + callbackUrl.search).expect(302);
    const ticket = new URLSearchParams((callback.headers.location as string).split('#')[1]).get('ticket');
    expect(ticket).toBeTruthy();
    const pair = await http.post('/api/auth/ticket').send({ ticket, verifier: browser.verifier }).expect(200);
    await http.get('/api/orders').set('Authorization', `Bearer ${pair.body.accessToken}`).expect(200);
  });

  it.each([
    ['no token', undefined, 'unauthorized'],
    ['a malformed header', 'Bearer', 'invalid_token'],
    ['a forged token', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'invalid_token'],
  ])('answers a guarded host route with %s by 401 in the API.md shape, never 500', async (_case, authorization, error) => {
    const call = http.get('/api/orders');
    if (authorization) call.set('Authorization', authorization);
    const response = await call.expect(401);
    expect(response.body).toEqual({ statusCode: 401, error, message: expect.any(String) });
  });

  it('answers the module routes in the API.md error shape without this app filters or pipes', async () => {
    const response = await http.post('/api/auth/wechat/miniprogram/login').send({ code: 'x', extra: 1 }).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_request', message: expect.any(String) });
    const refresh = await http.post('/api/auth/refresh').send({ refreshToken: 'nope', extra: true }).expect(400);
    expect(refresh.body.error).toBe('invalid_request');
  });

  it('leaves the host throttler in charge of the host routes', async () => {
    await http.get('/api/orders/catalogue').expect(200);
    await http.get('/api/orders/catalogue').expect(200);
    await http.get('/api/orders/catalogue').expect(429);
  });

  it('writes in the host connection, where the host tables reference the module users', async () => {
    const login = await miniProgramLogin();
    const orders = host.get<{ query(sql: string, params: unknown[]): Promise<unknown> }>('hostDataSource');
    await orders.query('INSERT INTO host_orders (user_id) VALUES ($1)', [login.user.id]);
    const rows = (await orders.query('SELECT count(*)::int AS n FROM host_orders WHERE user_id = $1', [login.user.id])) as Array<{ n: number }>;
    expect(rows[0].n).toBe(1);
  });

  describe('users the host made itself', () => {
    const bearerOf = (pair: { accessToken: string }) => ({ Authorization: `Bearer ${pair.accessToken}` });

    async function wxCode(user: string): Promise<string> {
      return ((await wechat.http.post('/sandbox/wx.login').send({ appid: MINIPROGRAM.appid, user }).expect(200)).body as { code: string }).code;
    }

    it('lets the host sign-up hook attach an unknown WeChat identity to a user the host chose', async () => {
      const { id } = (await http.post('/api/accounts').send({ nickname: 'Made by the host' }).expect(201)).body as { id: string };
      host.get(HostSignUpRules).next = { action: 'attach', userId: id };
      const login = await http.post('/api/auth/wechat/miniprogram/login').send({ code: await wxCode(persona()) }).expect(200);
      expect(login.body.user).toMatchObject({ id, isNew: false, nickname: 'Made by the host' });
    });

    it('refuses with account_not_found when the hook refuses, and makes no user', async () => {
      const users = async () => ((await hostDb().query('SELECT count(*)::int AS n FROM users')) as Array<{ n: number }>)[0].n;
      const before = await users();
      host.get(HostSignUpRules).next = { action: 'refuse' };
      const refused = await http.post('/api/auth/wechat/miniprogram/login').send({ code: await wxCode(persona()) }).expect(403);
      expect(refused.body).toEqual({ statusCode: 403, error: 'account_not_found', message: expect.any(String) });
      expect(await users()).toBe(before);
    });

    it('keeps one user id through the host sign-in, a Mini Program bind and then WeChat alone', async () => {
      const phone = uniquePhone();
      const { id } = (await http.post('/api/accounts').send({ phone }).expect(201)).body as { id: string };
      expect((await http.get(`/api/accounts/by-phone/${phone}`).expect(200)).body).toEqual({ id });
      await http.post('/api/accounts').send({ phone }).expect(409);

      const hostSession = (await http.post(`/api/accounts/${id}/sign-in`).expect(201)).body as { accessToken: string };
      expect((await http.get('/api/orders').set(bearerOf(hostSession)).expect(200)).body).toEqual({ userId: id });

      const user = persona();
      await http.post('/api/auth/wechat/miniprogram/bind').set(bearerOf(hostSession)).send({ code: await wxCode(user) }).expect(200);
      const wechatOnly = await http.post('/api/auth/wechat/miniprogram/login').send({ code: await wxCode(user) }).expect(200);
      expect(wechatOnly.body.user.id).toBe(id);
      const { openid } = (await http.get(`/api/accounts/${id}/openid/${MINIPROGRAM.key}`).expect(200)).body as { openid: string };
      expect(openid).toEqual(expect.any(String));
      expect((await http.get(`/api/accounts/${id}/openid/${OFFICIAL_ACCOUNT.key}`).expect(200)).body).toEqual({ openid: null });
    });
  });

  it('refuses a WebSocket message without a token, where a @Public() one is answered', async () => {
    expect(await firstAnswerOverWebSocket(socketUrl, ['ping'])).toEqual({ event: 'pong', data: 'pong' });
    // Handled in order on one socket: had 'orders' been let through, its answer would come first.
    expect(await firstAnswerOverWebSocket(socketUrl, ['orders', 'ping'])).toEqual({ event: 'pong', data: 'pong' });
  });
});
