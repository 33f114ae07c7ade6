import { bearer, signInAsAdmin } from '../support/admin';
import { AppProcess, spawnApp } from '../support/processes';
import { loginAs, persona, startTestApp, TestApp } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';

async function greet(app: AppProcess, token: string): Promise<{ status: number; error?: string }> {
  const response = await fetch(`${app.url}/greetings`, { headers: bearer(token) });
  return { status: response.status, error: ((await response.json()) as { error?: string }).error };
}

/** Polls until the token is refused; the reconnect backoff decides how long that takes. */
async function eventuallyRefused(app: AppProcess, token: string, timeoutMs = 15_000): Promise<{ status: number; error?: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await greet(app, token);
    if (answer.status !== 200 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Other instances are processes of their own that use this app's sandbox as their WeChat. */
describe('disabled users are known to instances that were deaf or not yet started', () => {
  let main: TestApp;
  let proxy: TcpProxy;
  let deaf: AppProcess;

  beforeAll(async () => {
    main = await startTestApp();
    proxy = TcpProxy.forDatabaseUrl(process.env.DATABASE_URL!);
    await proxy.start();
    deaf = await spawnApp({ DATABASE_URL: proxy.rewrite(process.env.DATABASE_URL!), WECHAT_API_BASE_URL: `${main.url}/sandbox` }, 60_000);
  }, 120_000);
  afterAll(async () => {
    await deaf?.stop();
    await proxy.cut();
    await main.close();
  });

  it('an instance that lost its database while a user was disabled refuses the user once it reconnects', async () => {
    const admin = await signInAsAdmin(main);
    const user = await loginAs(main, persona('deaf'));
    expect(await greet(deaf, user.accessToken)).toEqual({ status: 200 });

    await proxy.cut();
    await main.http.post(`/admin/api/users/${user.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);
    // Deaf: it still verifies tokens from memory and has not heard of the disable.
    expect(await greet(deaf, user.accessToken)).toEqual({ status: 200 });
    await proxy.start();

    expect(await eventuallyRefused(deaf, user.accessToken)).toEqual({ status: 403, error: 'user_disabled' });
  });

  it('an instance that starts after a user was disabled refuses the user from its first request', async () => {
    const admin = await signInAsAdmin(main);
    const [user, other] = [await loginAs(main, persona('late')), await loginAs(main, persona('late-other'))];
    await main.http.post(`/admin/api/users/${user.user.id}/disable`).set(bearer(admin.accessToken)).expect(200);

    const late = await spawnApp({ WECHAT_API_BASE_URL: `${main.url}/sandbox` }, 60_000);
    try {
      expect(await greet(late, user.accessToken)).toEqual({ status: 403, error: 'user_disabled' });
      expect(await greet(late, other.accessToken)).toEqual({ status: 200 });
    } finally {
      await late.stop();
    }
  });
});
