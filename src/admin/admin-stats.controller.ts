import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LoginStatisticsService, Roles, SignInStatistics } from '../wechat-auth';
import { SignInStatisticsView, StatsQuery } from './admin-stats.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/api/stats')
export class AdminStatsController {
  constructor(private readonly statistics: LoginStatisticsService) {}

  @Get()
  @ApiOkResponse({ type: SignInStatisticsView })
  signIns(@Query() query: StatsQuery): Promise<SignInStatistics> {
    return this.statistics.signIns(query.days ?? 30, query.timeZone ?? 'UTC');
  }
}
