/**
 * Runs work for one key at a time in this process, in arrival order; work
 * for different keys runs side by side. A burst for one key then waits here,
 * holding nothing, instead of each holding a database connection while it
 * waits on the key's row or advisory lock.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
