import { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Express gives every request and response its app's prototype with
 * `Object.setPrototypeOf` as it arrives. On Node 20's V8 every property added
 * after that (Express's own `res.locals`, `req.params`, a guard's
 * `req.user`...) builds a hidden class for that one object, so every access
 * to a request anywhere in the monolith misses V8's caches. A server that
 * constructs requests and responses with those prototypes to begin with
 * makes that `setPrototypeOf` a no-op; a trivial route then answers about
 * twice as fast (see README, "Benchmark"). Mounted sub-apps, which have
 * prototypes of their own, still work: their requests are re-prototyped as
 * before.
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    const app = this.getInstance<Express>();
    // Nest's own server where it does more than createServer (TLS, tracking connections to force them closed).
    if (options.httpsOptions || options.forceCloseConnections || !httpClassesAreFunctions()) return super.initHttpServer(options);
    this.setHttpServer(createServer({ IncomingMessage: constructing(IncomingMessage, app.request), ServerResponse: constructing(ServerResponse, app.response) }, app));
  }
}

/** Node's http classes are plain constructor functions (an ES class could not be called as below). */
function httpClassesAreFunctions(): boolean {
  return ![IncomingMessage, ServerResponse].some((type) => Function.prototype.toString.call(type).startsWith('class'));
}

/*
 * Not `class extends IncomingMessage`: Express needs the prototype to be
 * exactly `app.request`, and a class's prototype cannot be replaced.
 * `Reflect.construct` with another new.target would do it, but V8 then
 * builds a hidden class per object again.
 */
function constructing<T extends typeof IncomingMessage | typeof ServerResponse>(type: T, prototype: object): T {
  function Prototyped(this: unknown, ...args: unknown[]) {
    (type as unknown as (...args: unknown[]) => void).apply(this, args);
  }
  Prototyped.prototype = prototype;
  return Prototyped as unknown as T;
}
