import { Controller, Get, Module } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Throttle } from '@nestjs/throttler';
import { Column, CreateDateColumn, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';
import { AuthUser, CurrentUser, Public } from '../../../src/wechat-auth';

/** A host's own table with a foreign key to the module's users. */
@Entity({ name: 'host_orders' })
export class HostOrder {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

export class HostOrders1799000000000 implements MigrationInterface {
  name = 'HostOrders1799000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE host_orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE host_orders');
  }
}

/** A feature module of the host: no auth code of its own, closed by the module's global guard. */
@Controller('orders')
class OrdersController {
  @Get()
  mine(@CurrentUser() user: AuthUser): { userId: string } {
    return { userId: user.id };
  }

  /** Limited by the host's own throttler, which must keep working beside the module's. */
  @Public()
  @Throttle({ default: { limit: 2, ttl: 60_000 } })
  @Get('catalogue')
  catalogue(): { items: string[] } {
    return { items: ['tea'] };
  }
}

/**
 * A WebSocket gateway of the host. A message carries no bearer token the
 * module's global guard could check, so it is refused unless `@Public()`.
 */
@WebSocketGateway({ path: '/ws' })
export class OrdersGateway {
  @SubscribeMessage('orders')
  orders(): { event: string; data: string } {
    return { event: 'orders', data: 'every order of the shop' };
  }

  @Public()
  @SubscribeMessage('ping')
  ping(): { event: string; data: string } {
    return { event: 'pong', data: 'pong' };
  }
}

@Module({ controllers: [OrdersController], providers: [OrdersGateway] })
export class OrdersModule {}
