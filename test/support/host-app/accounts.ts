import { Body, Controller, Get, Injectable, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { Public, SignUpDecision, SignUpHook, TokenPair, UserAccounts } from '../../../src/wechat-auth';

/** The host decides who may sign up with WeChat; a test sets the next decision (default: a new user). */
@Injectable()
export class HostSignUpRules implements SignUpHook {
  next?: SignUpDecision;

  decide(): SignUpDecision {
    const decision = this.next ?? { action: 'create' };
    this.next = undefined;
    return decision;
  }
}

@Module({ providers: [HostSignUpRules], exports: [HostSignUpRules] })
export class HostSignUpRulesModule {}

/**
 * The host's own accounts, made and signed in without WeChat (as its SMS or
 * password sign-in would, once it has checked the person), through the
 * module's UserAccounts service.
 */
@Public()
@Controller('accounts')
class HostAccountsController {
  constructor(private readonly accounts: UserAccounts) {}

  @Post()
  async create(@Body() body: { phone?: string; nickname?: string }): Promise<{ id: string }> {
    const user = await this.accounts.create(body);
    return { id: user.id };
  }

  @Get('by-phone/:phone')
  async byPhone(@Param('phone') phone: string): Promise<{ id: string }> {
    const user = await this.accounts.findByPhone(phone);
    if (!user) throw new NotFoundException();
    return { id: user.id };
  }

  /** Where the host's password or SMS check would be: here the test vouches for the person. */
  @Post(':id/sign-in')
  signIn(@Param('id') id: string): Promise<TokenPair> {
    return this.accounts.openSession(id, { userAgent: 'host-sign-in' });
  }

  @Get(':id/openid/:app')
  async openid(@Param('id') id: string, @Param('app') app: string): Promise<{ openid: string | null }> {
    return { openid: await this.accounts.openidFor(id, app) };
  }
}

@Module({ controllers: [HostAccountsController] })
export class HostAccountsModule {}
