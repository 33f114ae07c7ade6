import { CodeExchangeSlots } from '../../src/wechat-auth/throttling/code-exchange-slots';

const BUDGET = 3;

describe('code exchange slots of one address', () => {
  /** Starts `count` exchanges at once under a budget of 3 with `failures()` known; resolves as each one starts. */
  function burst(slots: CodeExchangeSlots, count: number, failures: () => number): { started: string[]; outcomes: Promise<string[]> } {
    const started: string[] = [];
    const outcomes = Promise.all(
      Array.from({ length: count }, (_, index) =>
        slots
          .take('198.18.0.1', (inFlight) => {
            if (failures() >= BUDGET) throw new Error('rate_limited');
            return failures() + inFlight < BUDGET;
          })
          .then(
            () => {
              started.push(`#${index}`);
              return 'started';
            },
            (error: Error) => error.message,
          ),
      ),
    );
    return { started, outcomes };
  }

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('lets what is left of the budget start at once and the rest wait, then start as exchanges end without failing', async () => {
    const slots = new CodeExchangeSlots();
    const { started, outcomes } = burst(slots, 7, () => 0);
    await settle();
    expect(started).toHaveLength(3);
    for (let ended = 1; ended <= 4; ended++) {
      slots.release('198.18.0.1');
      await settle();
      expect(started).toHaveLength(3 + ended);
    }
    expect(await outcomes).toEqual(Array(7).fill('started'));
  });

  it('refuses every waiting request once the exchanges that ended have spent the budget', async () => {
    const slots = new CodeExchangeSlots();
    let failures = 0;
    const { started, outcomes } = burst(slots, 10, () => failures);
    await settle();
    expect(started).toHaveLength(3);
    for (let ended = 0; ended < 3; ended++) {
      failures++;
      slots.release('198.18.0.1');
    }
    expect((await outcomes).filter((outcome) => outcome === 'rate_limited')).toHaveLength(7);
    expect(started).toHaveLength(3);
  });

  it('keeps addresses apart', async () => {
    const slots = new CodeExchangeSlots();
    const { outcomes } = burst(slots, 3, () => 0);
    let other = false;
    await slots.take('198.18.0.2', (inFlight) => inFlight < 1).then(() => (other = true));
    expect(other).toBe(true);
    expect(await outcomes).toEqual(Array(3).fill('started'));
  });
});
