import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { STREAMED_BODY_TYPES } from '../core/http/streamed-bodies';

/**
 * Fastify refuses a body it has no parser for, and its parsers read the body
 * before any guard runs. The parsers here read nothing: the body stays in the
 * request stream, as on Express, for the avatar route to read once its
 * guards let the caller through (and every other route of the module refuses
 * it unread: StreamedBodyGuard). A parser the host registered for one of
 * these types is left alone.
 */
@Injectable()
export class AvatarBodies implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyInstance>();
    for (const type of STREAMED_BODY_TYPES) {
      if (!fastify.hasContentTypeParser(type)) fastify.addContentTypeParser(type, (_request, _payload, done) => done(null));
    }
  }
}
