import { CanActivate, Injectable } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { AccessTokenGuard } from './access-token.guard';
import { RolesGuard } from './roles.guard';

// @nestjs/websockets marks gateway classes with this; the module reads the mark without depending on the package.
const GATEWAY_MARK = 'websockets:is_gateway';

/**
 * Nest runs global guards on HTTP routes and GraphQL resolvers, but never on
 * WebSocket gateways. So that a host's gateways are closed by default too,
 * the module's guards are put on every gateway class as it is instantiated,
 * before Nest binds the gateways' handlers: a message is refused unless its
 * handler is `@Public()`.
 */
@Injectable()
export class GatewayGuards {
  constructor(modules: ModulesContainer, accessTokens: AccessTokenGuard, roles: RolesGuard) {
    for (const module of modules.values()) {
      for (const { metatype } of module.providers.values()) {
        if (typeof metatype !== 'function' || !Reflect.getMetadata(GATEWAY_MARK, metatype)) continue;
        const own = (Reflect.getMetadata(GUARDS_METADATA, metatype) as CanActivate[] | undefined) ?? [];
        // Instances, not classes: a guard class added now would not be found among the module's injectables.
        if (!own.includes(accessTokens)) Reflect.defineMetadata(GUARDS_METADATA, [accessTokens, roles, ...own], metatype);
      }
    }
  }
}
