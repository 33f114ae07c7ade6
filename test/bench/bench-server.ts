import { loadAppConfig } from '../../src/config/app-config';
import { createApp } from '../../src/app.factory';
import { freePort } from '../support/global-setup';
import { PassportJwtYardstickModule } from './passport-jwt-yardstick.module';

/**
 * The app under benchmark, in its own process so the load generator does not
 * share its event loop. Tells the parent its URL once it listens.
 */
async function serve(): Promise<void> {
  const port = await freePort();
  const config = loadAppConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: String(port),
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  });
  const app = await createApp(config, process.env.DATABASE_URL!, [PassportJwtYardstickModule]);
  await app.listen(port, '127.0.0.1');
  process.send!({ url: `http://127.0.0.1:${port}` });
  // CPU time is what the machine's noise does not distort: the parent asks for it around each run.
  process.on('message', () => process.send!({ cpuMicros: process.cpuUsage().user + process.cpuUsage().system }));
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}

void serve();
