import { RawConnection } from '../support/raw-http';
import { loginAs, startTestApp, TestApp } from '../support/test-app';

const MEGABYTE = 1024 * 1024;

function head(path: string, headers: Record<string, string | number>): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
}

/** Sends `bytes` one by one, `everyMs` apart, until they are all sent or the server hangs up. */
async function trickle(connection: RawConnection, bytes: string, everyMs: number): Promise<void> {
  for (const byte of bytes) {
    if (!connection.send(byte)) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** What a client can make the server hold: bodies only where a route reads them, and never for longer than the limits. */
describe('request limits', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it.each(['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream', 'multipart/form-data; boundary=x'])(
    'refuses a megabyte of %s sent to a JSON route (415) with the body still unsent, so the server never holds it',
    async (contentType) => {
      const connection = await RawConnection.open(t.url);
      try {
        connection.send(head('/auth/refresh', { 'Content-Type': contentType, 'Content-Length': MEGABYTE }));
        connection.send(Buffer.alloc(1024));
        // The answer comes although 1023 KiB of the body were never sent.
        const answer = await connection.answer();
        expect(answer.status).toBe(415);
        expect(JSON.parse(answer.body)).toEqual({ statusCode: 415, error: 'unsupported_media_type', message: expect.any(String) });
      } finally {
        connection.close();
      }
    },
  );

  it('refuses an anonymous picture (401) before reading it, and a signed-in one over the limit by its Content-Length (413)', async () => {
    const anonymous = await RawConnection.open(t.url);
    const { accessToken } = await loginAs(t);
    const tooLarge = await RawConnection.open(t.url);
    try {
      anonymous.send(head('/auth/me/avatar', { 'Content-Type': 'image/png', 'Content-Length': MEGABYTE }));
      anonymous.send(Buffer.alloc(1024));
      expect((await anonymous.answer()).status).toBe(401);

      tooLarge.send(head('/auth/me/avatar', { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'image/png', 'Content-Length': 2 * MEGABYTE }));
      tooLarge.send(Buffer.alloc(1024));
      const answer = await tooLarge.answer();
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error).toBe('payload_too_large');
    } finally {
      anonymous.close();
      tooLarge.close();
    }
  });

  describe('with short timeouts', () => {
    let limited: TestApp;
    beforeAll(
      async () =>
        (limited = await startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_IDLE_TIMEOUT_MS: '2000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' })),
    );
    afterAll(() => limited.close());

    it('cuts off a body that trickles in slower than the request timeout allows', async () => {
      const connection = await RawConnection.open(limited.url);
      try {
        connection.send(head('/auth/refresh', { 'Content-Type': 'application/json', 'Content-Length': 1000 }));
        // 300 bytes over 30 s: the body would never be complete, and the connection never silent for long.
        void trickle(connection, ' '.repeat(300), 100);
        await connection.hangUp(20_000);
        const answer = await connection.answer().catch(() => undefined);
        if (answer) expect(answer.status).toBe(408);
      } finally {
        connection.close();
      }
    });

    it('cuts off headers that trickle in', async () => {
      const connection = await RawConnection.open(limited.url);
      try {
        connection.send('POST /auth/refresh HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        void trickle(connection, 'X-Slow: 1\r\n'.repeat(30), 100);
        await connection.hangUp(20_000);
      } finally {
        connection.close();
      }
    });

    it('closes a connection that stays silent', async () => {
      const connection = await RawConnection.open(limited.url);
      try {
        await connection.hangUp(20_000);
      } finally {
        connection.close();
      }
    });
  });
});
