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
class YardstickController {
  @Public()
  @UseGuards(AuthGuard('jwt'))
  @Get('passport-jwt')
  hello(): { message: string } {
    return { message: 'Hello, passport-jwt.' };
  }
}

/** Benchmark only: the same greeting behind AuthGuard('jwt'), as a yardstick for our guard. */
@Module({ controllers: [YardstickController], providers: [PassportJwtStrategy] })
export class PassportJwtYardstickModule {}
