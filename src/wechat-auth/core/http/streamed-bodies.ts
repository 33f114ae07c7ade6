import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { AppError } from '../errors/app-error';

const READS_STREAMED_BODY = 'http:readsStreamedBody';

/**
 * Body types no parser reads, on Express or on Fastify: they stay in the
 * request stream. The one route that takes them (the avatar upload) reads the
 * stream itself, after its guards; every other route refuses them unread.
 */
export const STREAMED_BODY_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream', 'multipart/form-data'];

export function isStreamedBodyType(contentType: string | undefined): boolean {
  const type = contentType?.toLowerCase();
  return type !== undefined && STREAMED_BODY_TYPES.some((streamed) => type.startsWith(streamed));
}

/** Marks the route that reads a streamed body (a picture, a multipart form) itself. */
export const ReadsStreamedBody = (): MethodDecorator => SetMetadata(READS_STREAMED_BODY, true);

/**
 * A picture or a form sent to a route that takes JSON is refused (415)
 * before anything reads it: nobody gets to make the server hold a megabyte
 * for a route that reads 64 KiB at most.
 */
@Injectable()
export class StreamedBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { headers } = context.getArgByIndex<{ headers: Record<string, string | string[] | undefined> }>(0);
    const contentType = headers['content-type'];
    if (typeof contentType !== 'string' || !isStreamedBodyType(contentType)) return true;
    if (Reflect.getMetadata(READS_STREAMED_BODY, context.getHandler()) === true) return true;
    throw new AppError('unsupported_media_type');
  }
}
