import { loadAppConfig } from '../../src/app/config/app-config';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';
import { reportToParent } from './child-stats';

/** The WeChat sandbox alone on a loopback port, shared by the app and the baseline. */
void startStandaloneSandbox(loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), 0).then(({ app, url }) =>
  reportToParent(url, () => app.close()),
);
