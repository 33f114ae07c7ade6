import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createApp } from './app.factory';
import { WechatAuthOptionsError } from '../wechat-auth';
import { AppConfig, ConfigError, loadAppConfig } from './config/app-config';
import { redactDatabaseUrl, startDatabase, StartedDatabase } from './database/start-database';

function describeStart(config: AppConfig, database: StartedDatabase): string[] {
  const lines = [
    database.embedded
      ? `Database: embedded PostgreSQL at ${redactDatabaseUrl(database.url)}, data kept in ${config.database.embeddedDir}`
      : `Database: ${redactDatabaseUrl(database.url)}`,
  ];
  if (database.migrationsApplied.length) lines.push(`Migrations applied: ${database.migrationsApplied.join(', ')}`);
  if (config.sandbox.enabled) {
    const apps = config.wechat.apps.map((app) => `${app.key} (${app.type}, ${app.appid})`).join(', ');
    lines.push(`No WECHAT_APPS configured: the WeChat sandbox stands in for WeChat at ${config.wechat.apiBaseUrl} with demo apps ${apps}`);
  }
  if (config.auth.secretGenerated) lines.push('No JWT_SECRET set: tokens are signed with a random key made for this run');
  if (config.dataEncryption.defaulted) lines.push('No DATA_ENCRYPTION_KEY set: session keys and app tokens are encrypted at rest with the development key');
  return lines;
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadAppConfig();
  const database = await startDatabase(config);
  const app = await createApp(config, database.url);
  const logger = new Logger('Bootstrap');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing requests in flight, then stopping`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  await app.listen(config.port, config.host);
  for (const line of describeStart(config, database)) logger.log(line);
  const exposure = config.host === '127.0.0.1' ? ' (this machine only; HOST=0.0.0.0 to listen on every interface)' : '';
  logger.log(`Listening on http://${config.host}:${config.port}${exposure}${config.apiDocs ? ', API docs at /docs' : ''}`);
}

bootstrap().catch((error: Error) => {
  // A configuration problem is one clear line; anything else keeps its stack for whoever investigates.
  console.error(error instanceof ConfigError || error instanceof WechatAuthOptionsError ? error.message : (error.stack ?? error.message));
  process.exit(1);
});
