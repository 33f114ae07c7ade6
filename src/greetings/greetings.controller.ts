import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../wechat-auth/tokens/auth-user';
import { CurrentUser } from '../wechat-auth/tokens/decorators/current-user.decorator';
import { Public } from '../wechat-auth/tokens/decorators/public.decorator';
import { Roles } from '../wechat-auth/tokens/decorators/roles.decorator';

class Greeting {
  @ApiProperty() message: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) userId: string | null;
}

/**
 * An ordinary feature module of the monolith. It has no auth code of its
 * own: routes are closed by the global guard, and the decorators do the rest.
 */
@ApiTags('example: greetings')
@Controller('greetings')
export class GreetingsController {
  @Public()
  @Get('public')
  @ApiOkResponse({ type: Greeting })
  hello(): Greeting {
    return { message: 'Hello, whoever you are.', userId: null };
  }

  @Get()
  @ApiBearerAuth()
  @ApiOkResponse({ type: Greeting })
  helloUser(@CurrentUser() user: AuthUser): Greeting {
    return { message: `Hello, user ${user.id}.`, userId: user.id };
  }

  @Get('admin')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOkResponse({ type: Greeting })
  helloAdmin(@CurrentUser() user: AuthUser): Greeting {
    return { message: `Hello, admin ${user.id}.`, userId: user.id };
  }
}
