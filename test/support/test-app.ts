import { INestApplication, Type } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app/app.factory';
import { AppConfig, loadAppConfig } from '../../src/app/config/app-config';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { freePort } from './global-setup';

/** The HTTP platform the tests run the app on: HTTP_PLATFORM=fastify runs the whole suite on Fastify. */
export const HTTP_PLATFORM = process.env.HTTP_PLATFORM ?? 'express';

export const TEST_JWT_SECRET = 'test-secret-for-e2e-only-0123456789abcdef';
export const MINIPROGRAM = DEMO_APPS.find((app) => app.type === 'miniprogram')!;

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** http://127.0.0.1:port: every request goes over real HTTP. */
  url: string;
  http: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real service on a free port with the sandbox mounted, on the test PostgreSQL. */
export async function startTestApp(env: Record<string, string> = {}, extraModules: Type[] = []): Promise<TestApp> {
  const port = await freePort();
  const config = loadAppConfig({
    NODE_ENV: 'test',
    HTTP_PLATFORM,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: process.env.DATABASE_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    PORT: String(port),
    WECHAT_TIMEOUT_MS: '1000',
    THROTTLE_PER_IP_PER_MINUTE: '1000000',
    THROTTLE_FAILURES_PER_IP_PER_MINUTE: '1000000',
    THROTTLE_PER_CREDENTIAL_PER_MINUTE: '1000000',
    ...env,
  });
  const app = await createApp(config, config.database.url!, extraModules);
  await app.listen(port, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return { app, config, url, http: request(url), close: () => app.close() };
}

/**
 * A well-formed code WeChat never issued, new on every call: codes are
 * remembered in the database for their five-minute life, across runs.
 */
export function unknownCode(): string {
  return `Unknown${randomUUID().replace(/-/g, '')}`;
}

/** A WeChat user nobody else in the test run uses. */
export function persona(label = 'p'): string {
  return `${label}-${randomUUID()}`;
}

/**
 * A mainland mobile number nobody else in the run holds: a verified phone
 * belongs to one user, and the shared database keeps users across runs.
 */
export function uniquePhone(): string {
  return `139${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
}

/** What wx.login() gives `user` in the Mini Program. */
export async function wxLogin(t: TestApp, user: string, appid = MINIPROGRAM.appid): Promise<string> {
  const response = await t.http.post('/sandbox/wx.login').send({ appid, user }).expect(200);
  return response.body.code as string;
}

export interface TokenPairBody {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  refreshExpiresIn: number;
  user: { id: string; isNew: boolean; nickname: string | null; avatarUrl: string | null; roles: string[] };
}

/** A full Mini Program login of `user`: wx.login in the sandbox, then our login endpoint. */
export async function loginAs(t: TestApp, user = persona()): Promise<TokenPairBody> {
  const code = await wxLogin(t, user);
  const response = await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(200);
  return response.body as TokenPairBody;
}

export async function upstreamCalls(t: TestApp, path: string): Promise<number> {
  const response = await t.http.get('/sandbox/calls').expect(200);
  return (response.body as Record<string, number>)[path] ?? 0;
}
