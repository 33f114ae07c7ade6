import { Controller, Get, Header, Inject, Param, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { AppError } from '../wechat-auth/core/errors/app-error';
import { WechatAuthConfig } from '../wechat-auth';
import { ADMIN_OPTIONS, AdminOptions } from './admin-options';

const PAGE_DIR = join(__dirname, 'page');
const ASSETS = {
  'admin.js': 'text/javascript; charset=utf-8',
  'admin-overview.js': 'text/javascript; charset=utf-8',
  'admin.css': 'text/css; charset=utf-8',
} as const;

/** The page only ever runs its own script and talks to its own origin; nicknames are rendered as text. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface AdminPageConfig {
  /** Sign-in through the sandbox mounted on this app: the Mini Program a persona logs in with. */
  sandboxLogin: { app: string; appid: string } | null;
  /** The configured apps (for the app filter; those that are not Mini Programs can also sign an admin in). */
  apps: Array<{ key: string; type: string }>;
}

/**
 * The admin page: static, public, and useless without an admin's access
 * token, which the page obtains with a WeChat login like anyone's.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminPageController {
  private readonly files = new Map<string, string>();

  constructor(
    private readonly config: WechatAuthConfig,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {
    for (const name of ['admin.html', ...Object.keys(ASSETS)]) this.files.set(name, readFileSync(join(PAGE_DIR, name), 'utf8'));
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return this.files.get('admin.html')!;
  }

  @Get('page-config')
  pageConfig(): AdminPageConfig {
    const miniprogram = this.config.wechat.apps.find((app) => app.type === 'miniprogram');
    return {
      sandboxLogin: this.options.sandboxLogin && miniprogram ? { app: miniprogram.key, appid: miniprogram.appid } : null,
      apps: this.config.wechat.apps.map((app) => ({ key: app.key, type: app.type })),
    };
  }

  @Get('assets/:name')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('name') name: string): StreamableFile {
    // Own keys only: `__proto__`, `constructor` or `toString` name no asset.
    if (!Object.hasOwn(ASSETS, name)) throw new AppError('not_found');
    const type = ASSETS[name as keyof typeof ASSETS];
    return new StreamableFile(Buffer.from(this.files.get(name)!), { type });
  }
}
