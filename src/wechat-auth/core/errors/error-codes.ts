/**
 * The machine-readable error codes of our HTTP contract (API.md), with the
 * HTTP status each one answers and the message a person sees by default.
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  payload_too_large: { status: 413, message: 'The request body is larger than 64 KiB.' },
  unsupported_media_type: { status: 415, message: 'Send this request with a JSON body (Content-Type: application/json).' },
  unknown_app: { status: 404, message: 'No WeChat app of that kind is configured under that key.' },
  wechat_code_invalid: { status: 401, message: 'WeChat rejected the code: it is wrong, expired or belongs to another app.' },
  wechat_code_used: { status: 409, message: 'This code has already been used. Call wx.login again for a fresh code.' },
  wechat_user_blocked: { status: 403, message: 'WeChat blocked this login as high-risk.' },
  wechat_rate_limited: { status: 429, message: 'WeChat is rate-limiting this app. Try again shortly.' },
  wechat_unavailable: { status: 503, message: 'WeChat is not answering properly right now. Try again shortly.' },
  wechat_misconfigured: { status: 500, message: 'The WeChat app is misconfigured on our side.' },
  session_key_expired: { status: 401, message: 'The WeChat session key is stale. Call wx.login again.' },
  state_invalid: { status: 400, message: 'The login state is missing, forged, expired or already used.' },
  redirect_not_allowed: { status: 400, message: 'returnTo must be a relative path or an allowed frontend origin.' },
  snapshot_user: { status: 403, message: 'This WeChat user has not really authorized the app (snapshot page).' },
  authorization_denied: { status: 401, message: 'The user refused to authorize the app on WeChat.' },
  unauthorized: { status: 401, message: 'Sign in first: send Authorization: Bearer <accessToken>.' },
  invalid_token: { status: 401, message: 'The access token is not valid.' },
  token_expired: { status: 401, message: 'The access token has expired. Refresh it.' },
  session_revoked: { status: 401, message: 'This session has ended. Sign in again.' },
  refresh_token_invalid: { status: 401, message: 'The refresh token is unknown or expired.' },
  refresh_token_reused: { status: 401, message: 'This refresh token was already used; the session has been ended for safety.' },
  user_disabled: { status: 403, message: 'This account is disabled.' },
  forbidden: { status: 403, message: 'You do not have the role this needs.' },
  reauthentication_required: { status: 403, message: 'Sign in again (not a refresh) and retry within 5 minutes.' },
  account_not_found: { status: 403, message: 'This WeChat account is not registered here. Sign up the way the app asks, then bind WeChat.' },
  phone_in_use: { status: 409, message: 'Another account holds this phone number.' },
  ticket_invalid: { status: 401, message: 'The login ticket is unknown, used or expired.' },
  rate_limited: { status: 429, message: 'Too many requests. Slow down.' },
  not_found: { status: 404, message: 'Not found.' },
  unionid_conflict: { status: 409, message: 'This WeChat account belongs to another WeChat user than the one signed in.' },
  last_identity: { status: 409, message: 'This is the only WeChat account you sign in with; it cannot be unbound.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
