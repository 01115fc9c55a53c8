/** The bundle entry of a user function (see main.ts). */
import type * as FunctionsFramework from '@google-cloud/functions-framework';
import type { HandlerDefinition } from '../../../contracts';
import { createPushHandler } from './entry';
import { GCP_ENTRY_POINT } from './entry-point';
import { framework, httpFunction } from './main';

/** Registers the push handler of a user function; returns what it registered. */
export function functionMain(definition: HandlerDefinition): FunctionsFramework.HttpFunction {
  const fn = httpFunction(createPushHandler(definition));
  framework().http(GCP_ENTRY_POINT, fn);
  return fn;
}
