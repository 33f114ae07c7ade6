import { Inject } from '@nestjs/common';

/** The host's TypeORM DataSource the module works in (the default one, or the one named in its options). */
export const WECHAT_AUTH_DATA_SOURCE = Symbol('WECHAT_AUTH_DATA_SOURCE');

export const InjectWechatAuthDataSource = (): ParameterDecorator => Inject(WECHAT_AUTH_DATA_SOURCE);
