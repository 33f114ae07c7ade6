import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { AppError } from '../core/errors/app-error';
import type { HttpRequest } from '../core/http/http-request';
import { isStreamedBodyType } from '../core/http/streamed-bodies';
import { AVATAR_MAX_BYTES } from './avatar-image';

/** Room for a multipart envelope (boundaries, part headers) around a picture at the limit. */
export const AVATAR_BODY_MAX_BYTES = AVATAR_MAX_BYTES + 16 * 1024;

const tooLarge = () => new AppError('payload_too_large', 'An avatar is at most 1 MB.');

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request's body, read from its stream; refused unread when its Content-Length is over the limit. */
function readBody(stream: IncomingMessage): Promise<Buffer> {
  if (Number(stream.headers['content-length']) > AVATAR_BODY_MAX_BYTES) throw tooLarge();
  return stream.readableEnded ? Promise.resolve(Buffer.alloc(0)) : readAll(stream, AVATAR_BODY_MAX_BYTES);
}

/** The first file of a multipart/form-data body (what wx.uploadFile sends). */
function firstFile(body: Buffer, headers: IncomingMessage['headers']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Busboy cuts a file off (truncated) as it reaches the limit: one byte more, so a picture of exactly 1 MB comes whole, as in a plain body.
      parser = busboy({ headers, limits: { files: 1, fileSize: AVATAR_MAX_BYTES + 1 } });
    } catch {
      return reject(new AppError('invalid_request', 'The multipart body is malformed.'));
    }
    let file: Promise<Buffer> | undefined;
    parser.on('file', (_field, stream) => {
      file ??= readAll(stream, AVATAR_MAX_BYTES).then((bytes) => ((stream as { truncated?: boolean }).truncated ? Promise.reject(tooLarge()) : bytes));
    });
    parser.on('error', () => reject(new AppError('invalid_request', 'The multipart body is malformed.')));
    parser.on('close', () => (file ? file.then(resolve, reject) : reject(new AppError('invalid_request', 'The multipart body holds no file.'))));
    Readable.from([body]).pipe(parser);
  });
}

/**
 * The picture a request carries, on either platform: as the whole body
 * (`Content-Type: image/png`, `image/jpeg`, `image/webp`) or as the file of
 * a multipart form. No parser has read it: it is still in the request's
 * stream (Fastify's raw request), unless a parser of the host made it bytes.
 */
export async function uploadedPicture(request: HttpRequest): Promise<Buffer> {
  const contentType = request.headers['content-type'];
  if (!isStreamedBodyType(contentType)) {
    throw new AppError('invalid_request', 'Send the picture as the body (Content-Type image/png, image/jpeg or image/webp) or as a multipart/form-data file.');
  }
  const stream = (request as { raw?: IncomingMessage }).raw ?? (request as unknown as IncomingMessage);
  const body = Buffer.isBuffer(request.body) ? request.body : await readBody(stream);
  return contentType!.toLowerCase().startsWith('multipart/form-data') ? firstFile(body, request.headers) : body;
}
