import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../../src/wechat-auth/tokens/decorators/public.decorator';
import { REQUIRED_ROLES } from '../../src/wechat-auth/tokens/decorators/roles.decorator';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every route of the app with who may call it. Routes are closed by default;
 * this list makes each opening deliberate: a route that turns public, or
 * loses its role, changes this list and must be looked at in review.
 */
const EXPECTED = [
  'DELETE /admin/api/users/:id/identities/:identityId  roles(admin)',
  'DELETE /auth/me  signed in',
  'DELETE /auth/me/identities/:id  signed in',
  'DELETE /auth/sessions/:id  signed in',
  'DELETE /sandbox/faults  public',
  'GET /.well-known/jwks.json  public',
  'GET /admin  public',
  'GET /admin/api/stats  roles(admin)',
  'GET /admin/api/users  roles(admin)',
  'GET /admin/api/users/:id  roles(admin)',
  'GET /admin/assets/:name  public',
  'GET /admin/page-config  public',
  'GET /auth/avatars/:name  public',
  'GET /auth/me  signed in',
  'GET /auth/sessions  signed in',
  'GET /auth/wechat/oauth/:app/authorize  public',
  'GET /auth/wechat/oauth/:app/callback  public',
  'GET /auth/wechat/oauth/authorize  public',
  'GET /demo/h5  public',
  'GET /greetings  signed in',
  'GET /greetings/admin  roles(admin)',
  'GET /greetings/public  public',
  'GET /health  public',
  'GET /notes  signed in',
  'GET /sandbox/apps  public',
  'GET /sandbox/calls  public',
  'GET /sandbox/cgi-bin/token  public',
  'GET /sandbox/connect/oauth2/authorize  public',
  'GET /sandbox/connect/qrconnect  public',
  'GET /sandbox/sns/auth  public',
  'GET /sandbox/sns/jscode2session  public',
  'GET /sandbox/sns/oauth2/access_token  public',
  'GET /sandbox/sns/oauth2/refresh_token  public',
  'GET /sandbox/sns/userinfo  public',
  'GET /sandbox/wxa/checksession  public',
  'PATCH /auth/me  signed in',
  'POST /admin/api/users/:id/disable  roles(admin)',
  'POST /admin/api/users/:id/enable  roles(admin)',
  'POST /admin/api/users/:id/revoke-sessions  roles(admin)',
  'POST /auth/bind/confirm  signed in',
  'POST /auth/logout  signed in',
  'POST /auth/logout-all  signed in',
  'POST /auth/me/avatar  signed in',
  'POST /auth/refresh  public',
  'POST /auth/signup/phone  public',
  'POST /auth/ticket  public',
  'POST /auth/tickets  signed in',
  'POST /auth/wechat/app/login  public',
  'POST /auth/wechat/miniprogram/bind  signed in',
  'POST /auth/wechat/miniprogram/login  public',
  'POST /auth/wechat/miniprogram/phone  signed in',
  'POST /auth/wechat/miniprogram/profile  signed in',
  'POST /auth/wechat/oauth/:app/bind  signed in',
  'POST /notes  signed in',
  'POST /sandbox/app-token/age  public',
  'POST /sandbox/app-token/invalidate  public',
  'POST /sandbox/app/sendauth  public',
  'POST /sandbox/apps/:appid  public',
  'POST /sandbox/cgi-bin/stable_token  public',
  'POST /sandbox/clock  public',
  'POST /sandbox/encrypted-data  public',
  'POST /sandbox/faults  public',
  'POST /sandbox/personas  public',
  'POST /sandbox/phone-code  public',
  'POST /sandbox/wx.login  public',
  'POST /sandbox/wxa/business/getuserphonenumber  public',
];

describe('who may call each route', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('matches the reviewed list: closed unless marked public, roles where they belong', () => {
    const reflector = t.app.get(Reflector);
    const routes = [...t.app.get(ModulesContainer).values()]
      .flatMap((module) => [...module.controllers.values()])
      .flatMap(({ metatype }) => {
        if (!metatype) return [];
        const prefix = (Reflect.getMetadata(PATH_METADATA, metatype) as string | undefined) ?? '';
        return Object.getOwnPropertyNames(metatype.prototype).flatMap((name) => {
          const handler = (metatype.prototype as Record<string, unknown>)[name] as () => unknown;
          const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
          if (name === 'constructor' || path === undefined) return [];
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          const roles = reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, [handler, metatype]);
          const isPublic = reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, metatype]);
          const access = roles ? `roles(${roles.join(',')})` : isPublic ? 'public' : 'signed in';
          const full = `/${[prefix, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
          return [`${method} ${full}  ${access}`];
        });
      })
      .sort();
    expect(routes).toEqual(EXPECTED);
  });
});
