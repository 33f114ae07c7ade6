import { PrimaryColumn } from 'typeorm';
import { v7 as uuidV7 } from 'uuid';

/**
 * The primary key of a table that grows with users or logins: a UUIDv7 from
 * the database (migration TimeOrderedIds1764410000000 says why), so new rows
 * land on the rightmost pages of its indexes.
 */
export const TimeOrderedId = (): PropertyDecorator => PrimaryColumn({ type: 'uuid', default: () => 'wechat_auth_uuid_v7()' });

/** The same kind of id, made here, for a row whose id must be known before it is inserted. */
export const timeOrderedId = (): string => uuidV7();
