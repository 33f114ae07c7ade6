import { Controller, Get, Module, Query } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Public } from '../../src/wechat-auth/tokens/decorators/public.decorator';
import { SandboxWorld } from '../../src/sandbox/sandbox-world';
import { takeLeaks } from '../support/secret-guard';
import { MINIPROGRAM, persona, startTestApp, TestApp, wxLogin } from '../support/test-app';

/** A route that leaks on purpose, to prove the suite-wide guard notices. */
@Public()
@Controller('leaky')
class LeakyController {
  constructor(private readonly modules: ModuleRef) {}

  @Get('value')
  value(@Query('user') user: string): { note: string } {
    const world = this.modules.get(SandboxWorld, { strict: false });
    return { note: `key=${world.sessionKey(MINIPROGRAM.appid, user)}` };
  }

  @Get('field')
  field(): { nested: { sessionKey: string } } {
    return { nested: { sessionKey: 'redacted-but-named' } };
  }
}

@Module({ controllers: [LeakyController] })
class LeakyModule {}

describe('the suite-wide session_key guard', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, [LeakyModule]);
  });
  afterAll(() => t.close());

  it('sees a response that carries a session_key the sandbox issued, or a field named like one', async () => {
    expect(takeLeaks()).toEqual([]);
    const user = persona();
    await wxLogin(t, user);
    await t.http.get('/leaky/value').query({ user }).expect(200);
    await fetch(`${t.url}/leaky/field`);
    expect(takeLeaks()).toEqual(['GET /leaky/value: a session_key the sandbox issued', 'GET /leaky/field: a session_key field', 'GET /leaky/field: a session_key field']);
  });
});
