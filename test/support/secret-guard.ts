import { ServerResponse } from 'node:http';
import { SandboxWorld } from '../../src/sandbox/sandbox-world';

/**
 * Suite-wide proof that no session_key ever reaches a client (DESIGN.md rule 5).
 * Loaded before every e2e file: it remembers every session_key the sandbox
 * hands out, looks at every response our service sends (server side, whatever
 * the client, plus fetch for app processes of their own) and fails the file
 * when one carries such a key or a field named like one.
 */

const issued = new Set<string>();
let leaks: string[] = [];

const SESSION_KEY_FIELD = /^session_?key$/i;
const MAX_INSPECTED_BYTES = 4 * 1024 * 1024;

function forms(key: string): string[] {
  const bytes = Buffer.from(key, 'base64');
  return [key, bytes.toString('base64url'), bytes.toString('hex')];
}

function hasSessionKeyField(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasSessionKeyField);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([name, inner]) => SESSION_KEY_FIELD.test(name) || hasSessionKeyField(inner));
}

/** Records a leak when `body`, answered at `where`, holds a session_key. */
export function inspectResponse(where: string, body: string): void {
  if ([...issued].some((key) => forms(key).some((form) => body.includes(form)))) leaks.push(`${where}: a session_key the sandbox issued`);
  try {
    if (hasSessionKeyField(JSON.parse(body))) leaks.push(`${where}: a session_key field`);
  } catch {
    // Not JSON: the value check above is all that applies.
  }
}

/** The leaks seen so far, forgotten once taken (for the test that proves the guard works). */
export function takeLeaks(): string[] {
  const taken = leaks;
  leaks = [];
  return taken;
}

const isSandbox = (path: string) => path.startsWith('/sandbox');

// The sandbox hands a session_key out with every wx.login: remember each one.
const issueLoginCode = SandboxWorld.prototype.issueLoginCode;
SandboxWorld.prototype.issueLoginCode = function (this: SandboxWorld, ...args: Parameters<SandboxWorld['issueLoginCode']>) {
  const code = issueLoginCode.apply(this, args);
  const key = this.sessionKey(args[0].appid, args[1]);
  if (key) issued.add(key);
  return code;
};

// node:http is shared by every test file of the process: patch it once, and point it at this file's inspector.
const SINK = Symbol.for('wechat-auth.secret-guard.sink');
type Patched = typeof ServerResponse.prototype & { [SINK]?: typeof inspectResponse };
const proto = ServerResponse.prototype as Patched;
if (!proto[SINK]) {
  const bodies = new WeakMap<ServerResponse, Buffer[]>();
  const keep = (response: ServerResponse, chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const parts = bodies.get(response) ?? [];
    if (parts.reduce((size, part) => size + part.length, 0) > MAX_INSPECTED_BYTES) return;
    parts.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array));
    bodies.set(response, parts);
  };
  const write = proto.write;
  proto.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof proto.write;
  const end = proto.end;
  proto.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    const path = this.req?.url ?? '';
    if (!isSandbox(path)) proto[SINK]?.(`${this.req?.method} ${path.split('?')[0]}`, Buffer.concat(bodies.get(this) ?? []).toString('utf8'));
    bodies.delete(this);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof proto.end;
}
proto[SINK] = inspectResponse;

// App processes of their own answer over fetch: look at what they answer too.
const originalFetch = globalThis.fetch;
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const response = await originalFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!isSandbox(url.pathname)) inspectResponse(`${init?.method ?? 'GET'} ${url.pathname}`, await response.clone().text());
  return response;
};

afterAll(() => {
  expect(takeLeaks()).toEqual([]);
});
