import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxFaults } from './sandbox-faults';
import { WechatAnswer, wechatErrorAnswer } from './sandbox-world';

/**
 * How every emulated WeChat server path answers: count the call, play an
 * injected fault if one is due, otherwise send WeChat's answer the way WeChat
 * does (HTTP 200, JSON labelled text/plain, errcode on failure only). It
 * writes through Nest's HTTP adapter, so the sandbox runs on either platform.
 */
@Injectable()
export class SandboxResponder {
  constructor(
    private readonly faults: SandboxFaults,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async answer(path: string, res: unknown, produce: () => WechatAnswer | Promise<WechatAnswer>): Promise<void> {
    const fault = this.faults.onCall(path);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.httpStatus) {
      const body = fault.body ?? '';
      this.send(res, fault.httpStatus, body.trimStart().startsWith('<') ? 'text/html' : 'text/plain', body);
      return;
    }
    const answer = fault?.errcode !== undefined ? wechatErrorAnswer(fault.errcode) : await produce();
    this.send(res, 200, 'text/plain', JSON.stringify(answer));
  }

  /** A page or a text as WeChat's servers send them. */
  send(res: unknown, status: number, type: 'text/html' | 'text/plain', body: string): void {
    const { httpAdapter } = this.adapterHost;
    httpAdapter.setHeader(res, 'Content-Type', `${type}; charset=utf-8`);
    httpAdapter.reply(res, body, status);
  }

  redirect(res: unknown, url: string): void {
    this.adapterHost.httpAdapter.redirect(res, 302, url);
  }
}
