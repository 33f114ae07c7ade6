/** What WeChat answers for a code that is unknown, another app's or expired, and for one already spent. */
const UNKNOWN_CODE = 40029;
const USED_CODE = 40163;

type Issued<T> = T & { appid: string; issuedAt: number; used: boolean };

/**
 * Codes WeChat hands out for one use within `lifetimeMs`: wx.login codes and
 * phone codes. An expired code gets the same answer as an unknown one, so it
 * is forgotten: without that, a sandbox that runs for days would hold every
 * code it ever issued.
 */
export class OneTimeCodes<T extends object> {
  // In issue order, and the sandbox's clock only moves forward: the expired codes are at the front.
  private readonly issued = new Map<string, Issued<T>>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs: number,
  ) {}

  issue(code: string, appid: string, record: T): void {
    this.forgetExpired();
    this.issued.set(code, { ...record, appid, issuedAt: this.now(), used: false });
  }

  /** Spends a code of `appid`: its record, or WeChat's errcode for one that is unknown, foreign, expired or used. */
  spend(appid: string, code: string): Issued<T> | { errcode: number } {
    const issued = this.issued.get(code);
    if (!issued || issued.appid !== appid || this.isExpired(issued)) return { errcode: UNKNOWN_CODE };
    if (issued.used) return { errcode: USED_CODE };
    issued.used = true;
    return issued;
  }

  /** How many codes are kept. */
  get size(): number {
    return this.issued.size;
  }

  private isExpired(issued: Issued<T>): boolean {
    return this.now() - issued.issuedAt > this.lifetimeMs;
  }

  private forgetExpired(): void {
    for (const [code, issued] of this.issued) {
      if (!this.isExpired(issued)) return;
      this.issued.delete(code);
    }
  }
}
