import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ChildStats } from './child-stats';

export interface BenchChild {
  url: string;
  stats(): Promise<ChildStats>;
  stop(): void;
}

/** Starts one of the benchmark's servers (a file of this folder) in its own process. */
export async function startChild(file: string, env: Record<string, string>): Promise<BenchChild> {
  const child = fork(join(__dirname, file), [], { env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  const stats = () =>
    new Promise<ChildStats>((resolve) => {
      child.once('message', (message: ChildStats) => resolve(message));
      child.send('stats');
    });
  return { url, stats, stop: () => child.disconnect() };
}
