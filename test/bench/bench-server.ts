import { loadAppConfig } from '../../src/app/config/app-config';
import { createApp } from '../../src/app/app.factory';
import { freePort } from '../support/global-setup';
import { reportToParent } from './child-stats';
import { BENCH_JWT_SECRET } from './bench-settings';
import { BenchRoutesModule } from './bench-routes.module';

/** The app under benchmark, in its own process so the load generator does not share its event loop. */
async function serve(): Promise<void> {
  const port = await freePort();
  const config = loadAppConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: String(port),
    JWT_SECRET: BENCH_JWT_SECRET,
  });
  const app = await createApp(config, process.env.DATABASE_URL!, [BenchRoutesModule]);
  await app.listen(port, '127.0.0.1');
  reportToParent(`http://127.0.0.1:${port}`, () => app.close());
}

void serve();
