import { Controller, Get, INestApplication, Module, Param, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Express, Request } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrototypedExpressAdapter } from '../../src/app/http/express-adapter';

@Controller('echo')
class EchoController {
  @Get(':word')
  echo(@Param('word') word: string, @Req() request: Request) {
    return { word, query: request.query, ip: request.ip };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('PrototypedExpressAdapter', () => {
  let app: INestApplication;
  let url: string;
  /** Whether each request and response had the Express app's prototypes before Express saw them. */
  const onArrival: boolean[] = [];

  beforeAll(async () => {
    app = await NestFactory.create(EchoModule, new PrototypedExpressAdapter(), { logger: false });
    const express = app.getHttpAdapter().getInstance() as Express;
    app.getHttpServer().prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      onArrival.push(Object.getPrototypeOf(request) === express.request && Object.getPrototypeOf(response) === express.response);
    });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  afterAll(() => app.close());

  it("builds requests and responses on the Express app's own prototypes, so Express has none to change", async () => {
    const answer = await fetch(`${url}/echo/hello?from=test&page=2`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ word: 'hello', query: { from: 'test', page: '2' }, ip: '127.0.0.1' });
    expect(onArrival).toEqual([true]);
  });

  it('keeps the rest of Express: status codes, headers and its 404 for an unknown path', async () => {
    const answers = await Promise.all([fetch(`${url}/echo/a`), fetch(`${url}/nowhere`)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 404]);
    expect(answers[0].headers.get('content-type')).toMatch(/^application\/json/);
  });
});
