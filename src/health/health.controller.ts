import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth/decorators/public.decorator';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly database: TypeOrmHealthIndicator) {}

  @Get()
  @ApiOkResponse({ schema: { example: { status: 'ok', db: 'up' } } })
  async check(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'error'; db: 'up' | 'down' }> {
    const up = await this.database
      .pingCheck('db', { timeout: 1500 })
      .then((result) => result.db?.status === 'up')
      .catch(() => false);
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'error', db: up ? 'up' : 'down' };
  }
}
