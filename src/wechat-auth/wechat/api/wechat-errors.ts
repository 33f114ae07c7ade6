import { AppError } from '../../core/errors/app-error';
import { ErrorCode } from '../../core/errors/error-codes';

/** WeChat's "system busy": the only errcode worth retrying. */
export const WECHAT_BUSY = -1;

const CODE_BY_ERRCODE: Record<number, ErrorCode> = {
  40029: 'wechat_code_invalid',
  42003: 'wechat_code_invalid',
  41008: 'wechat_code_invalid',
  40163: 'wechat_code_used',
  40226: 'wechat_user_blocked',
  45011: 'wechat_rate_limited',
  45009: 'wechat_rate_limited',
  40013: 'wechat_misconfigured',
  40125: 'wechat_misconfigured',
  40164: 'wechat_misconfigured',
  40243: 'wechat_misconfigured',
  41002: 'wechat_misconfigured',
  41004: 'wechat_misconfigured',
  [WECHAT_BUSY]: 'wechat_unavailable',
};

/** An error WeChat answered, kept with its errcode so callers can react to specific ones. */
export class WechatApiError extends AppError {
  constructor(
    readonly errcode: number,
    code: ErrorCode,
  ) {
    super(code);
  }
}

export function wechatError(errcode: number): WechatApiError {
  return new WechatApiError(errcode, CODE_BY_ERRCODE[errcode] ?? 'wechat_unavailable');
}
