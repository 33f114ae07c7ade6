/** The token pair every sign-in answers (the server's API contract, "Token pair"). */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
  user: { id: string; isNew: boolean; nickname: string | null; avatarUrl: string | null; roles: string[] };
}

/** What a login of a person nobody knows answers under the server's `require-phone` sign-up policy. */
export interface SignUpPending {
  signupTicket: string;
  next: 'phone';
  expiresIn: number;
}

export interface EncryptedUserData {
  encryptedData: string;
  iv: string;
  rawData?: string;
  signature?: string;
}

export interface ClientResponse<T = unknown> {
  statusCode: number;
  data: T;
  header?: Record<string, string>;
}

/** An answer the client could not recover from: the API's error code and HTTP status. */
export interface ApiError extends Error {
  statusCode?: number;
  code: string | null;
  data?: unknown;
  /** With code `signup_required`: the ticket to finish the sign-up with. */
  signupTicket?: string;
}

/** The part of the Mini Program's `wx` the client uses. */
export interface WxApi {
  login(options: { success(result: { code: string }): void; fail(error: unknown): void }): void;
  request(options: {
    url: string;
    method?: string;
    data?: unknown;
    header?: Record<string, string>;
    success(response: { statusCode: number; data: unknown; header?: Record<string, string> }): void;
    fail(error: unknown): void;
  }): void;
  uploadFile?(options: {
    url: string;
    filePath: string;
    name: string;
    header?: Record<string, string>;
    success(response: { statusCode: number; data: string }): void;
    fail(error: unknown): void;
  }): void;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

export interface ClientOptions {
  /** Where the API is, with any path prefix: `https://api.shop.example`. */
  baseUrl: string;
  /** The server's key of this Mini Program, when it has several. */
  app?: string;
  /** Defaults to the global `wx`. */
  wx?: WxApi;
  /** Where the token pair is kept (default `wechat-auth-tokens`). */
  storageKey?: string;
}

export interface WechatAuthClient {
  /** wx.login, then the server's login; concurrent calls share one. */
  login(): Promise<TokenPair | SignUpPending>;
  /** A call with the access token, refreshed or signed in again once when needed. */
  request<T = unknown>(options: { url: string; method?: string; data?: unknown; header?: Record<string, string> }): Promise<ClientResponse<T>>;
  /**
   * Calls wx.login itself and sends its code with the ticket and the phone code: the server accepts only the
   * ticket's own person (same openid in this Mini Program, or same unionid). `verifier`: for a ticket from an
   * H5 page's OAuth login, the PKCE verifier that login started with (required then).
   */
  signUpWithPhone(signupTicket: string, phoneCode: string, verifier?: string): Promise<TokenPair>;
  logout(): Promise<void>;
  bindPhone(phoneCode: string): Promise<{ phoneNumber: string; purePhoneNumber: string; countryCode: string }>;
  updateProfile(encrypted: EncryptedUserData | (() => EncryptedUserData | Promise<EncryptedUserData>)): Promise<unknown>;
  setNickname(nickname: string): Promise<unknown>;
  uploadAvatar(filePath: string): Promise<unknown>;
  webViewTicket(): Promise<{ ticket: string; expiresIn: number }>;
}

export function createClient(options: ClientOptions): WechatAuthClient;
