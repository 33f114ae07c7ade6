import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller';

/** Pages that show the login flows against the sandbox's demo apps; only with the sandbox. */
@Module({ controllers: [DemoController] })
export class DemoModule {}
