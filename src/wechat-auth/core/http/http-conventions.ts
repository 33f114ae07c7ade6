import { applyDecorators, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { StreamedBodyGuard } from './streamed-bodies';
import { createValidationPipe } from './validation';

/**
 * The HTTP conventions of API.md (JSON bodies, validated, the JSON error
 * shape) on a controller of ours, whatever global pipes and filters the host
 * app has or lacks. Errors from guards are caught here too, since guards run
 * inside the route's exception zone.
 */
export const FollowsApiConventions = (): ClassDecorator =>
  applyDecorators(UseFilters(AllExceptionsFilter), UseGuards(StreamedBodyGuard), UsePipes(createValidationPipe()));
