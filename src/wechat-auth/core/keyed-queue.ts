/**
 * Runs work for one key at a time in this process, in arrival order; work
 * for different keys runs side by side. A burst for one key then waits here,
 * holding nothing, instead of each holding a database connection while it
 * waits on the key's row or advisory lock.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** `work` learns whether it waited for earlier work of its key, which may have changed what it found before. */
  async run<T>(key: string, work: (waited: boolean) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const start = () => work(previous !== undefined);
    const result = (previous ?? Promise.resolve()).then(start, start);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
