import { Module } from '@nestjs/common';
import { GreetingsController } from './greetings.controller';

/** The example consumer: proof that a module of the monolith reuses sign-in with decorators alone. */
@Module({ controllers: [GreetingsController] })
export class GreetingsModule {}
