import { KeyedQueue } from '../../src/wechat-auth/core/keyed-queue';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs work of one key one at a time, in arrival order, and keys side by side', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const work = (label: string) => async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      log.push(`start ${label}`);
      await tick();
      log.push(`end ${label}`);
      running--;
      return label;
    };
    const results = await Promise.all([queue.run('a', work('a1')), queue.run('a', work('a2')), queue.run('a', work('a3'))]);
    expect(results).toEqual(['a1', 'a2', 'a3']);
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(mostAtOnce).toBe(1);

    mostAtOnce = 0;
    await Promise.all([queue.run('x', work('x')), queue.run('y', work('y'))]);
    expect(mostAtOnce).toBe(2);
  });

  it('tells work whether it waited for earlier work of its key', async () => {
    const queue = new KeyedQueue();
    const waited = await Promise.all([queue.run('k', async (w) => w), queue.run('k', async (w) => w), queue.run('other', async (w) => w)]);
    expect(waited).toEqual([false, true, false]);
    expect(await queue.run('k', async (w) => w)).toBe(false);
  });

  it('lets the next work run when one fails, and hands each caller its own outcome', async () => {
    const queue = new KeyedQueue();
    const failing = queue.run('k', () => Promise.reject(new Error('first failed')));
    const next = queue.run('k', () => Promise.resolve('second ran'));
    await expect(failing).rejects.toThrow('first failed');
    await expect(next).resolves.toBe('second ran');
  });
});
