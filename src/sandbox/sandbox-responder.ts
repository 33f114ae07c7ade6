import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxFaults } from './sandbox-faults';
import { WechatAnswer, wechatErrorAnswer } from './sandbox-world';

/**
 * How every emulated WeChat server path answers: count the call, play an
 * injected fault if one is due, otherwise send WeChat's answer the way WeChat
 * does (HTTP 200, JSON labelled text/plain, errcode on failure only).
 */
@Injectable()
export class SandboxResponder {
  constructor(private readonly faults: SandboxFaults) {}

  async answer(path: string, res: Response, produce: () => WechatAnswer | Promise<WechatAnswer>): Promise<void> {
    const fault = this.faults.onCall(path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.httpStatus) {
      const body = fault.body ?? '';
      res.status(fault.httpStatus).type(body.trimStart().startsWith('<') ? 'text/html' : 'text/plain').send(body);
      return;
    }
    const answer = fault?.errcode !== undefined ? wechatErrorAnswer(fault.errcode) : await produce();
    res.status(200).type('text/plain').send(JSON.stringify(answer));
  }
}
