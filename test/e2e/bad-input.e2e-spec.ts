import { DataSource } from 'typeorm';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { loginAs, MINIPROGRAM, startTestApp, TestApp, TokenPairBody, unknownCode } from '../support/test-app';

/**
 * Table-driven: malformed requests against every public endpoint. Every case
 * must get a 4xx in the shape of API.md; none a 500, a stack trace or a secret.
 */
interface Case {
  name: string;
  method: 'get' | 'post' | 'delete';
  path: string;
  body?: unknown;
  rawBody?: string;
  /** Resolved when the case runs: some need the token of a user signed in by then. */
  headers?: () => Record<string, string>;
}

const WRONG_VALUES: Array<[string, unknown]> = [
  ['a number', 12345678],
  ['a boolean', true],
  ['null', null],
  ['an array', ['AAAAAAAAAAAA']],
  ['an object', { nested: 'AAAAAAAAAAAA' }],
  ['an empty string', ''],
  ['only spaces', '        '],
  ['a huge string', 'A'.repeat(20_000)],
  ['control characters', 'AAAA\u0000\u0007\u001bAAAA'],
  ['unicode', '码码码码码码码码😀'],
  ['an ampersand and equals', 'AAAA&appid=wx1&secret=x'],
  ['a hash', 'AAAAAAAA#fragment'],
  ['percent escapes', 'AAAA%00%2F%0A'],
  ['quotes', `AAAA"AAAA'AAAA`],
  ['spaces inside', 'AAAA AAAA AAAA'],
  ['a SQL fragment', "AAAA' OR '1'='1"],
];

/** Every way to break a JSON body whose valid form is `valid`. */
function bodyCases(path: string, valid: Record<string, unknown>, headers?: () => Record<string, string>): Case[] {
  const post = (name: string, extra: Partial<Case>): Case => ({ name: `${path} ${name}`, method: 'post', path, headers, ...extra });
  const cases: Case[] = [
    post('with no body', {}),
    post('with JSON null', { rawBody: 'null' }),
    post('with a JSON array', { rawBody: '[]' }),
    post('with a JSON string', { rawBody: '"text"' }),
    post('with a JSON number', { rawBody: '42' }),
    post('with broken JSON', { rawBody: '{"a":' }),
    post('with an empty object', { body: {} }),
    post('with an unknown field', { body: { ...valid, unexpected: 1 } }),
    post('with a forged openid', { body: { ...valid, openid: 'oForged', unionid: 'uForged' } }),
    post('with __proto__', { rawBody: `{"__proto__": {"roles": ["admin"]}, ${JSON.stringify(valid).slice(1)}` }),
    post('with constructor', { rawBody: `{"constructor": {"prototype": {"admin": true}}, ${JSON.stringify(valid).slice(1)}` }),
  ];
  for (const field of Object.keys(valid)) {
    const { [field]: _omitted, ...without } = valid;
    if (Object.keys(without).length > 0) cases.push(post(`without ${field}`, { body: without }));
    for (const [label, value] of WRONG_VALUES) cases.push(post(`with ${field} as ${label}`, { body: { ...valid, [field]: value } }));
  }
  return cases;
}

const GARBAGE_AUTHORIZATION = [
  'Bearer',
  'Bearer ',
  'Basic dXNlcjpwYXNz',
  'Bearer a.b.c',
  'Bearer ....',
  `Bearer ${'x'.repeat(6000)}`,
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'Bearer \u00e9\u00e8\u00ff',
  'Bearer tok en',
  'token-without-scheme',
];

function headerCases(method: Case['method'], path: string): Case[] {
  return GARBAGE_AUTHORIZATION.map((authorization, index) => ({
    name: `${method.toUpperCase()} ${path} with garbage Authorization #${index + 1}`,
    method,
    path,
    headers: () => ({ authorization }),
  }));
}

// Well-formed but unknown to WeChat, and unique to this run: codes are remembered across instances and runs.
const UNKNOWN_CODE = unknownCode();
const MOBILE_APP = DEMO_APPS.find((app) => app.type === 'mobile_app')!;

let signedIn: TokenPairBody;
let admin: TokenPairBody;
const asUser = () => ({ authorization: `Bearer ${signedIn.accessToken}` });
const asAdmin = () => ({ authorization: `Bearer ${admin.accessToken}` });
const OAUTH = '/auth/wechat/oauth/demo-official-account';

const CASES: Case[] = [
  ...bodyCases('/auth/wechat/miniprogram/login', { code: UNKNOWN_CODE, app: MINIPROGRAM.key }),
  ...bodyCases('/auth/wechat/app/login', { code: UNKNOWN_CODE, app: MOBILE_APP.key }),
  ...bodyCases('/auth/refresh', { refreshToken: 'A'.repeat(43) }),
  ...bodyCases('/auth/ticket', { ticket: 'A'.repeat(43) }),
  ...bodyCases('/auth/wechat/miniprogram/phone', { code: UNKNOWN_CODE }, asUser),
  ...bodyCases('/auth/wechat/miniprogram/bind', { code: UNKNOWN_CODE, app: MINIPROGRAM.key }, asUser),
  ...bodyCases('/auth/bind/confirm', { bindTicket: 'A'.repeat(43) }, asUser),
  ...bodyCases(`${OAUTH}/bind`, { returnTo: '//evil.example/' }, asUser),
  ...bodyCases('/auth/wechat/miniprogram/profile', { encryptedData: 'AAAAAAAAAAAAAAAAAAAAAA==', iv: 'AAAAAAAAAAAAAAAAAAAAAA==' }, asUser),
  ...[
    'returnTo=//evil.example',
    'returnTo=https://evil.example/',
    'returnTo=javascript:alert(1)',
    'returnTo=%2F%2Fevil.example',
    'returnTo=/\\evil.example',
    `returnTo=/${'a'.repeat(5000)}`,
    'scope=snsapi_everything',
    'returnTo[]=/a&returnTo[]=/b',
  ].map((query): Case => ({ name: `GET ${OAUTH}/authorize?${query.slice(0, 40)}`, method: 'get', path: `${OAUTH}/authorize?${query}` })),
  { name: 'GET authorize for an unknown app', method: 'get', path: '/auth/wechat/oauth/no-such-app/authorize' },
  ...['returnTo=/x', `returnTo=//evil.example&challenge=${'A'.repeat(43)}`, 'returnTo=/x&challenge=short', `returnTo=/x&challenge=${'A'.repeat(43)}&scope=snsapi_everything`].map(
    (query): Case => ({ name: `GET the single sign-in entry ?${query.slice(0, 30)}`, method: 'get', path: `/auth/wechat/oauth/authorize?${query}` }),
  ),
  ...['', 'code=abc', 'state=abc', 'code=abc&state=forged', `code=abc&state=${'A'.repeat(128)}`, 'code=a%00b&state=%3Cscript%3E'].map(
    (query): Case => ({ name: `GET ${OAUTH}/callback?${query.slice(0, 40)}`, method: 'get', path: `${OAUTH}/callback?${query}` }),
  ),
  ...['/admin/api/users', '/admin/api/users/00000000-0000-0000-0000-000000000000'].map((path): Case => ({ name: `GET ${path} as a plain user`, method: 'get', path, headers: asUser })),
  ...['page=0', 'page=-1', 'pageSize=101', 'pageSize=abc', 'linked=maybe', 'status=gone', `q=${'x'.repeat(500)}`, 'page[]=1'].map(
    (query): Case => ({ name: `GET /admin/api/users?${query.slice(0, 30)} as an admin`, method: 'get', path: `/admin/api/users?${query}`, headers: asAdmin }),
  ),
  ...['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'admin.html', '..%2Fadmin-page.controller.js'].map(
    (name): Case => ({ name: `GET /admin/assets/${name}`, method: 'get', path: `/admin/assets/${name}` }),
  ),
  { name: 'GET /admin/api/users?q=a%00b as an admin', method: 'get', path: '/admin/api/users?q=a%00b', headers: asAdmin },
  { name: 'POST /notes with a NUL in the text', method: 'post', path: '/notes', body: { text: 'a\u0000b' }, headers: asUser },
  { name: 'GET an admin user that is not a uuid', method: 'get', path: '/admin/api/users/not-a-uuid', headers: asAdmin },
  { name: 'GET an admin user that does not exist', method: 'get', path: '/admin/api/users/00000000-0000-0000-0000-000000000000', headers: asAdmin },
  { name: 'DELETE an identity that is not a uuid', method: 'delete', path: '/admin/api/users/00000000-0000-0000-0000-000000000000/identities/x', headers: asAdmin },
  ...['x', '00000000-0000-0000-0000-000000000000', '%00', `${'a'.repeat(300)}`, '..%2F..%2Fadmin'].flatMap((id): Case[] => [
    { name: `DELETE /auth/sessions/${id.slice(0, 20)}`, method: 'delete', path: `/auth/sessions/${id}`, headers: asUser },
    { name: `DELETE /auth/me/identities/${id.slice(0, 20)}`, method: 'delete', path: `/auth/me/identities/${id}`, headers: asUser },
  ]),
  ...['days=0', 'days=-1', 'days=91', 'days=abc', 'timeZone=Mars/Base', "timeZone=UTC';--", 'days[]=1'].map(
    (query): Case => ({ name: `GET /admin/api/stats?${query} as an admin`, method: 'get', path: `/admin/api/stats?${query}`, headers: asAdmin }),
  ),
  // Any text of 1 to 500 characters is a note, so only the wrong shapes and sizes go here.
  ...[
    ['no body', undefined],
    ['a text of 501 characters', { text: 'x'.repeat(501) }],
    ['an empty text', { text: '' }],
    ['a number', { text: 42 }],
    ['an array', { text: ['a'] }],
    ['null', { text: null }],
    ['a forged user id', { text: 'hi', userId: '00000000-0000-0000-0000-000000000000' }],
  ].map(([label, body]): Case => ({ name: `POST /notes with ${label as string}`, method: 'post', path: '/notes', body, headers: asUser })),
  { name: 'POST /notes with __proto__', method: 'post', path: '/notes', rawBody: '{"__proto__": {"admin": true}, "text": "hi"}', headers: asUser },
  ...headerCases('get', '/notes'),
  ...headerCases('get', '/auth/sessions'),
  ...headerCases('post', '/auth/tickets'),
  ...headerCases('post', '/auth/logout-all'),
  ...headerCases('get', '/auth/me'),
  ...headerCases('post', '/auth/logout'),
  ...headerCases('get', '/greetings'),
  ...headerCases('get', '/greetings/admin'),
  { name: 'GET /auth/me with no token', method: 'get', path: '/auth/me' },
  { name: 'GET an unknown path with odd characters', method: 'get', path: '/auth/%E0%A4%A' },
  { name: 'GET a path with a query full of tricks', method: 'get', path: '/auth/me?a[b]=1&__proto__[x]=1&constructor=1' },
  { name: 'DELETE /auth/me', method: 'delete', path: '/auth/me' },
  { name: 'POST /sandbox/wx.login with a huge user', method: 'post', path: '/sandbox/wx.login', body: { appid: MINIPROGRAM.appid, user: 'u'.repeat(100_000) } },
  { name: 'POST /sandbox/faults with a wrong type', method: 'post', path: '/sandbox/faults', body: { path: '/sns/jscode2session', times: 'many' } },
];

describe('bad input, every public endpoint', () => {
  let t: TestApp;
  let pair: TokenPairBody;

  beforeAll(async () => {
    t = await startTestApp();
    pair = await loginAs(t);
    signedIn = await loginAs(t);
    const adminPair = await loginAs(t);
    await t.app.get(DataSource).query(`UPDATE users SET roles = '{user,admin}' WHERE id = $1`, [adminPair.user.id]);
    admin = (await t.http.post('/auth/refresh').send({ refreshToken: adminPair.refreshToken }).expect(200)).body as TokenPairBody;
  });
  afterAll(() => t.close());

  it('covers at least 100 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s → a clean 4xx', async (_name, c) => {
    let call = t.http[c.method](c.path);
    for (const [name, value] of Object.entries(c.headers?.() ?? {})) call = call.set(name, value);
    if (c.rawBody !== undefined) call = call.set('content-type', 'application/json').send(c.rawBody);
    else if (c.body !== undefined) call = call.send(c.body as object);
    const response = await call;

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toEqual({ statusCode: response.status, error: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
    expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    for (const secret of [MINIPROGRAM.secret, t.config.auth.signingKey.secret, pair.refreshToken]) expect(response.text).not.toContain(secret);
  });
});
