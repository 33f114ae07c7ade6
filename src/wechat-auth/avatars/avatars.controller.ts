import { Controller, Get, Header, HttpCode, Param, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FollowsApiConventions } from '../core/http/http-conventions';
import type { HttpRequest } from '../core/http/http-request';
import { matchedRoute } from '../core/http/matched-route';
import { ReadsStreamedBody } from '../core/http/streamed-bodies';
import { AuthUser } from '../tokens/auth-user';
import { CurrentUser } from '../tokens/decorators/current-user.decorator';
import { Public } from '../tokens/decorators/public.decorator';
import { UserView } from '../users/user.view';
import { uploadedPicture } from './avatar-upload';
import { OwnAvatar } from './own-avatar.service';

/**
 * A picture may be kept by shared caches for a day, not for good: its name is
 * random and never reused, so a cached copy is never wrong, but a deleted
 * account's picture (or one its owner replaced) must leave CDNs and proxies
 * within a day. Errors are never cached (see AllExceptionsFilter).
 */
const PICTURE_CACHE_CONTROL = 'public, max-age=86400, immutable';

@ApiTags('sessions')
@FollowsApiConventions()
@Controller('auth')
export class AvatarsController {
  constructor(private readonly avatars: OwnAvatar) {}

  /** The caller's picture: a PNG, JPEG or WebP of at most 1 MB, as the body or as wx.uploadFile's multipart file. */
  @Post('me/avatar')
  @ReadsStreamedBody()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiConsumes('image/png', 'image/jpeg', 'image/webp', 'multipart/form-data')
  @ApiOkResponse({ type: UserView })
  async upload(@CurrentUser() caller: AuthUser, @Req() request: HttpRequest): Promise<UserView> {
    // The prefix the app serves this module under, from the route the router matched: the request target is the client's to write.
    const routePrefix = matchedRoute(request).replace(/\/auth\/me\/avatar$/, '');
    return this.avatars.replace(caller.id, await uploadedPicture(request), routePrefix);
  }

  /** Public like any avatar URL WeChat hands out; the name is random, and a new upload gets a new one. */
  @Public()
  @Get('avatars/:name')
  @Header('Cache-Control', PICTURE_CACHE_CONTROL)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Content-Security-Policy', "default-src 'none'; sandbox")
  async picture(@Param('name') name: string): Promise<StreamableFile> {
    const image = await this.avatars.find(name);
    return new StreamableFile(image.bytes, { type: image.contentType, length: image.bytes.length });
  }
}
