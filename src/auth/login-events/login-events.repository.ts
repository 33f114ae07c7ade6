import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LoginEvent } from './login-event.entity';

export type NewLoginEvent = Pick<LoginEvent, 'kind' | 'result'> & Partial<Pick<LoginEvent, 'userId' | 'appKey' | 'errorCode' | 'ip' | 'userAgent' | 'detail'>>;

@Injectable()
export class LoginEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(event: NewLoginEvent): Promise<void> {
    await this.dataSource.manager.insert(LoginEvent, event);
  }
}
