import { Injectable } from '@nestjs/common';

export interface Fault {
  /** WeChat's own path, e.g. /sns/jscode2session. */
  path: string;
  errcode?: number;
  httpStatus?: number;
  body?: string;
  delayMs?: number;
  /** How many more calls this fault hits. */
  times: number;
}

/** Injected WeChat failures, and how often each WeChat path was called. */
@Injectable()
export class SandboxFaults {
  private faults: Fault[] = [];
  private readonly callCounts = new Map<string, number>();

  add(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /** Counts a call to `path` and takes the first fault that hits it, if any. */
  onCall(path: string): Fault | undefined {
    this.callCounts.set(path, (this.callCounts.get(path) ?? 0) + 1);
    const fault = this.faults.find((candidate) => candidate.path === path && candidate.times > 0);
    if (!fault) return undefined;
    fault.times -= 1;
    this.faults = this.faults.filter((candidate) => candidate.times > 0);
    return fault;
  }

  calls(): Record<string, number> {
    return Object.fromEntries(this.callCounts);
  }
}
