import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { WechatModule } from '../../wechat-auth/wechat/wechat.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, WechatModule], controllers: [HealthController] })
export class HealthModule {}
