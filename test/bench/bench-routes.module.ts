import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Public } from '../../src/wechat-auth/tokens/decorators/public.decorator';
import { AppConfig } from '../../src/app/config/app-config';

/** The usual way to guard a Nest route: passport-jwt with the secret as a string, as most tutorials write it. */
@Injectable()
class PassportJwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.signingKey.secret,
      algorithms: ['HS256'],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    });
  }

  validate(payload: { sub: string; sid: string; roles: string[] }) {
    return { id: payload.sub, sessionId: payload.sid, roles: payload.roles };
  }
}

@Controller('bench')
class BenchRoutesController {
  /**
   * The example module's public greeting, handler for handler, behind the
   * global guard: the difference to GET /greetings/public is the guard alone.
   * (GET /greetings also reads @CurrentUser(), and every route parameter
   * goes through Nest's pipes, whatever it is.)
   */
  @Public()
  @Get('public')
  openToAll(): { message: string; userId: null } {
    return { message: 'Hello, whoever you are.', userId: null };
  }

  /** The same again under another path: no route differs from its twin but by the measurement's own spread. */
  @Public()
  @Get('public-twin')
  openToAllTwin(): { message: string; userId: null } {
    return { message: 'Hello, whoever you are.', userId: null };
  }

  @Get('signed-in')
  signedIn(): { message: string; userId: null } {
    return { message: 'Hello, whoever you are.', userId: null };
  }

  @Public()
  @UseGuards(AuthGuard('jwt'))
  @Get('passport-jwt')
  passportJwt(): { message: string } {
    return { message: 'Hello, passport-jwt.' };
  }
}

/** Benchmark only: the public greeting behind our guard alone, and behind AuthGuard('jwt') as a yardstick. */
@Module({ controllers: [BenchRoutesController], providers: [PassportJwtStrategy] })
export class BenchRoutesModule {}
