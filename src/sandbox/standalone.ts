import { INestApplication, Logger, Module } from '@nestjs/common';
import { configureHttp } from '../app/app.factory';
import { createPlatformApp } from '../app/http/platform-app';
import { AppConfig, loadAppConfig } from '../app/config/app-config';
import { ConfigModule } from '../app/config/config.module';
import { SandboxModule } from './sandbox.module';

/**
 * The WeChat sandbox on its own port, as a separate process would see WeChat:
 * several app instances can share it (WECHAT_API_BASE_URL=http://host:port/sandbox).
 */
export async function startStandaloneSandbox(config: AppConfig, port: number, host = '127.0.0.1'): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [ConfigModule.forRoot(config), SandboxModule] })
  class StandaloneSandboxModule {}

  const app = await createPlatformApp(StandaloneSandboxModule, config, { logger: ['error', 'warn'] });
  configureHttp(app, { docs: false });
  await app.listen(port, host);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://${host}:${address.port}/sandbox` };
}

if (require.main === module) {
  const port = Number(process.env.SANDBOX_PORT ?? 3900);
  Promise.resolve()
    .then(() => startStandaloneSandbox(loadAppConfig(), port, process.env.SANDBOX_HOST ?? '127.0.0.1'))
    .then(({ url }) => new Logger('Sandbox').log(`WeChat sandbox listening at ${url}`))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
