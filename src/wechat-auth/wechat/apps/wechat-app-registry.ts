import { Injectable } from '@nestjs/common';
import { WechatAuthConfig } from '../../options/wechat-auth-config';
import { WechatApp, WechatAppType } from './wechat-app';
import { AppError } from '../../core/errors/app-error';

/** The configured WeChat apps, found by our key and type. */
@Injectable()
export class WechatAppRegistry {
  private readonly apps: readonly WechatApp[];

  constructor(config: WechatAuthConfig) {
    this.apps = config.wechat.apps;
  }

  all(): readonly WechatApp[] {
    return this.apps;
  }

  /**
   * The app of `types` named `key`. Without a key, the only configured app
   * of those types, so a single-app deployment need not send one.
   */
  resolve(key: string | undefined, types: readonly WechatAppType[]): WechatApp {
    const candidates = this.apps.filter((app) => types.includes(app.type));
    if (key === undefined) {
      if (candidates.length === 1) return candidates[0];
      if (candidates.length === 0) throw new AppError('unknown_app');
      throw new AppError('invalid_request', `app is required: several apps are configured (${candidates.map((app) => app.key).join(', ')}).`);
    }
    const app = candidates.find((candidate) => candidate.key === key);
    if (!app) throw new AppError('unknown_app');
    return app;
  }
}
