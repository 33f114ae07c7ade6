import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/app/database/data-source-options';
import { runMigrations } from '../../src/app/database/run-migrations';
import { median } from './median';

/** Enough runs that one stall of this shared machine (a few ms, while a figure is 1 to 10 ms) moves no median. */
export const TIMED_RUNS = 21;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` on a migrated database of its own on the server of `databaseUrl`, dropped afterwards. */
export async function inScratchDatabase<T>(databaseUrl: string, label: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const database = `bench_${label}_${process.pid}_${Date.now()}`;
  await onServer(databaseUrl, (client) => client.query(`CREATE DATABASE ${database}`));
  const url = withDatabase(databaseUrl, database);
  let dataSource: DataSource | undefined;
  try {
    await runMigrations(url);
    dataSource = await new DataSource(dataSourceOptions(url)).initialize();
    return await work(dataSource);
  } finally {
    await dataSource?.destroy();
    await onServer(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

/** The median of TIMED_RUNS timed runs after one warm-up, in milliseconds. */
export async function medianMs(work: () => Promise<unknown>): Promise<number> {
  await work();
  const timings: number[] = [];
  for (let run = 0; run < TIMED_RUNS; run++) {
    const started = process.hrtime.bigint();
    await work();
    timings.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return Math.round(median(timings) * 100) / 100;
}
