import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { ProfileUpdate } from '../../users/identity.repository';

export type CodeExchangeStatus = 'pending' | 'done' | 'failed';

/** What WeChat said about a code, kept so copies of it need no second call. Never a session_key. */
export interface ExchangedIdentity {
  openid: string;
  unionid: string | null;
  profile?: ProfileUpdate;
}

/** One WeChat code we were sent, known only by its hash, until the code's lifetime is over. */
@Entity({ name: 'code_exchanges' })
@Unique('code_exchanges_state_nonce_key', ['stateNonce'])
@Check('code_exchanges_status_check', `status IN ('pending', 'done', 'failed')`)
@Index('code_exchanges_expires_at_idx', ['expiresAt'])
export class CodeExchange {
  @PrimaryColumn({ name: 'code_hash', type: 'bytea' })
  codeHash: Buffer;

  @Column({ name: 'app_key', type: 'text' })
  appKey: string;

  /** OAuth only: the nonce of the state the code came with; a copy counts only with the same state. */
  @Column({ name: 'state_nonce', type: 'bytea', nullable: true })
  stateNonce: Buffer | null;

  @Column({ type: 'text', default: 'pending' })
  status: CodeExchangeStatus;

  @Column({ type: 'jsonb', nullable: true })
  identity: ExchangedIdentity | null;

  /** Where the code first came from: copies are served to that address only. */
  @Column({ name: 'client_ip', type: 'text', nullable: true })
  clientIp: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
