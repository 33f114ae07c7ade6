import { loadAppConfig } from '../config/app-config';
import { redactDatabaseUrl, startDatabase } from './start-database';

/** `npm run migration:run`: migrates the database the app would use (DATABASE_URL or the embedded one). */
async function main(): Promise<void> {
  const database = await startDatabase(loadAppConfig());
  try {
    const applied = database.migrationsApplied;
    console.log(`${redactDatabaseUrl(database.url)}: ${applied.length ? `applied ${applied.join(', ')}` : 'schema already up to date'}`);
  } finally {
    await database.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
