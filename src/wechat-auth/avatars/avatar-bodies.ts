import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AVATAR_BODY_MAX_BYTES, AVATAR_BODY_TYPES } from './avatar-upload';

/**
 * Fastify refuses bodies of a type it has no parser for (415) and caps all
 * at its bodyLimit; the avatar route needs pictures of up to 1 MB as bytes.
 * A parser the host registered for one of these types is left alone.
 * Express needs nothing: its parsers leave these bodies in the stream.
 */
@Injectable()
export class AvatarBodies implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyInstance>();
    for (const type of AVATAR_BODY_TYPES) {
      if (fastify.hasContentTypeParser(type)) continue;
      fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: AVATAR_BODY_MAX_BYTES }, (_request, body, done) => done(null, body));
    }
  }
}
