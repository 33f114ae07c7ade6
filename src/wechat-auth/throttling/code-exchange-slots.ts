/**
 * Code exchanges in flight per client address on this instance. Whether one
 * more may start is asked again each time one ends, so a request that may
 * not start yet waits for a WeChat round trip instead of being refused: a
 * burst of honest sign-ins behind one address (an office, a carrier's NAT)
 * is delayed, while a burst of bogus codes, whose failures are counted as
 * each exchange ends, stops at the budget.
 */
export class CodeExchangeSlots {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  /**
   * Takes a slot for `address` once `mayStart(inFlight)` says yes; until then
   * waits for an exchange of that address to end. Whatever `mayStart` throws
   * (a refusal) is thrown here, and no slot is taken.
   */
  async take(address: string, mayStart: (inFlight: number) => boolean): Promise<void> {
    while (!mayStart(this.inFlight.get(address) ?? 0)) {
      await new Promise<void>((wake) => {
        const queue = this.waiting.get(address);
        if (queue) queue.push(wake);
        else this.waiting.set(address, [wake]);
      });
    }
    this.inFlight.set(address, (this.inFlight.get(address) ?? 0) + 1);
  }

  /**
   * Gives a slot back and wakes every request waiting for the address: each
   * asks again, since the exchange that ended may have changed the answer
   * for all of them (a failure that spends the budget refuses them all).
   */
  release(address: string): void {
    const left = (this.inFlight.get(address) ?? 1) - 1;
    if (left > 0) this.inFlight.set(address, left);
    else this.inFlight.delete(address);
    const waiters = this.waiting.get(address);
    this.waiting.delete(address);
    waiters?.forEach((wake) => wake());
  }
}
