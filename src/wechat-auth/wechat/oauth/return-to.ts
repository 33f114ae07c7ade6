import { Injectable } from '@nestjs/common';
import { AppError } from '../../core/errors/app-error';
import { WechatAuthConfig } from '../../options/wechat-auth-config';

// The return path rides in the callback URL WeChat redirects to: keep it well under URL limits.
const MAX_LENGTH = 1024;
// Control characters and spaces are dropped or reinterpreted by URL parsers ("/\t/evil" becomes "//evil").
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f\\#]/;
const PLACEHOLDER_ORIGIN = 'https://return-to.invalid';

function decodedOnce(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Where a login may send the browser back: a path on this service, or a URL
 * on a configured frontend origin. Anything a browser could read as another
 * host is refused, including the encoded and backslash forms of `//host`.
 */
@Injectable()
export class ReturnToPolicy {
  private readonly allowedOrigins: ReadonlySet<string>;

  constructor(config: WechatAuthConfig) {
    this.allowedOrigins = new Set(config.oauth.frontendOrigins);
  }

  /** The returnTo itself when it is allowed; redirect_not_allowed otherwise. */
  check(returnTo: string): string {
    if (!this.allowed(returnTo)) throw new AppError('redirect_not_allowed');
    return returnTo;
  }

  private allowed(returnTo: string): boolean {
    const decoded = decodedOnce(returnTo);
    if (returnTo.length === 0 || returnTo.length > MAX_LENGTH || decoded === null) return false;
    if (UNSAFE_CHARACTERS.test(returnTo) || UNSAFE_CHARACTERS.test(decoded)) return false;
    if (returnTo.startsWith('/')) return this.isLocalPath(returnTo) && this.isLocalPath(decoded);
    return this.isAllowedUrl(returnTo);
  }

  private isLocalPath(path: string): boolean {
    if (!path.startsWith('/') || path.startsWith('//')) return false;
    try {
      return new URL(path, PLACEHOLDER_ORIGIN).origin === PLACEHOLDER_ORIGIN;
    } catch {
      return false;
    }
  }

  private isAllowedUrl(text: string): boolean {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return false;
    }
    if (url.username || url.password || !this.allowedOrigins.has(url.origin)) return false;
    // The text must say the origin itself, so no parser disagreement can move the host.
    return text === url.origin || text.startsWith(`${url.origin}/`) || text.startsWith(`${url.origin}?`);
  }
}
