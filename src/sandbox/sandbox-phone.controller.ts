import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { AppError } from '../wechat-auth/core/errors/app-error';
import { SandboxAppTokens } from './sandbox-app-tokens';
import { EncryptedDataDto, PhoneCodeDto, SealedUserDataView } from './sandbox-miniprogram-data.dto';
import { SandboxPhones } from './sandbox-phones';
import { SandboxResponder } from './sandbox-responder';
import { CodeView } from './sandbox.dto';
import type { WechatQuery } from './sandbox-wechat.controller';
import { DATA_FORMAT_ERROR, readWechatBody, SandboxWorld, wechatErrorAnswer } from './sandbox-world';

const INVALID_SIGNATURE = 87009;

/** The Mini Program's getPhoneNumber button and encrypted user data, and WeChat's phone number path. */
@ApiTags('sandbox')
@Public()
@Controller('sandbox')
export class SandboxPhoneController {
  constructor(
    private readonly world: SandboxWorld,
    private readonly phones: SandboxPhones,
    private readonly tokens: SandboxAppTokens,
    private readonly responder: SandboxResponder,
  ) {}

  @ApiExcludeEndpoint()
  @Post('wxa/business/getuserphonenumber')
  async getUserPhoneNumber(@Query() query: WechatQuery, @Body() raw: unknown, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/wxa/business/getuserphonenumber', res, () => {
      const body = readWechatBody(raw);
      if (!body) return wechatErrorAnswer(DATA_FORMAT_ERROR);
      if (!query.access_token) return wechatErrorAnswer(41001);
      const token = this.tokens.check(query.access_token);
      if ('errcode' in token) return wechatErrorAnswer(token.errcode);
      if (typeof body.code !== 'string' || !body.code) return wechatErrorAnswer(41008);
      const { appid } = token;
      const spent = this.phones.spendCode(appid, body.code);
      if ('errcode' in spent) return wechatErrorAnswer(spent.errcode);
      return {
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: `+86${spent.phone}`,
          purePhoneNumber: spent.phone,
          countryCode: '86',
          watermark: { timestamp: Math.floor(this.world.now() / 1000), appid },
        },
      };
    });
  }

  /** Whether `signature` is hmac_sha256(session_key, '') of the user's current session_key (87009 if not). */
  @ApiExcludeEndpoint()
  @Get('wxa/checksession')
  async checkSession(@Query() query: WechatQuery, @Res() res: unknown): Promise<void> {
    await this.responder.answer('/wxa/checksession', res, () => {
      if (!query.access_token) return wechatErrorAnswer(41001);
      const token = this.tokens.check(query.access_token);
      if ('errcode' in token) return wechatErrorAnswer(token.errcode);
      if (query.sig_method !== 'hmac_sha256' || !query.openid || !query.signature) return wechatErrorAnswer(INVALID_SIGNATURE);
      const sessionKey = this.world.sessionKeyOf(token.appid, query.openid);
      const expected = sessionKey ? createHmac('sha256', sessionKey).update('').digest('hex') : '';
      const matches = expected.length === query.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(query.signature));
      return matches ? { errcode: 0, errmsg: 'ok' } : wechatErrorAnswer(INVALID_SIGNATURE);
    });
  }

  @Post('phone-code')
  @HttpCode(200)
  @ApiOkResponse({ type: CodeView })
  phoneCode(@Body() body: PhoneCodeDto): CodeView {
    return { code: this.phones.issueCode(this.miniProgram(body.appid), body.user, body.phone) };
  }

  @Post('encrypted-data')
  @HttpCode(200)
  @ApiOkResponse({ type: SealedUserDataView })
  encryptedData(@Body() body: EncryptedDataDto): SealedUserDataView {
    const sealed = this.phones.seal(this.miniProgram(body.appid), body.user, body.data);
    if (!sealed) throw new AppError('not_found', 'That persona has no session yet: call /sandbox/wx.login first.');
    return sealed;
  }

  private miniProgram(appid: string): string {
    if (this.world.app(appid)?.type !== 'miniprogram') throw new AppError('unknown_app', 'The sandbox has no Mini Program with that appid.');
    return appid;
  }
}
