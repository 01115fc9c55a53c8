/** The bundle entry of an ingress function (see main.ts): `cloudEvent()` for a change trigger, `http()` otherwise. */
import type * as FunctionsFramework from '@google-cloud/functions-framework';
import type { Topology } from '../../../contracts';
import type { GcpIngressKind } from './config';
import { GCP_ENTRY_POINT } from './entry-point';
import { createIngressHandler } from './ingress';
import { cloudEventFunction, framework, httpFunction } from './main';

/** Registers the handler of an ingress function of `topology`; returns what it registered. */
export function ingressMain(topology: Topology, { kind }: { readonly kind: GcpIngressKind }): FunctionsFramework.HttpFunction | FunctionsFramework.CloudEventFunction {
  const handle = createIngressHandler(topology, { kind });
  if (kind === 'change') {
    const fn = cloudEventFunction(handle);
    framework().cloudEvent(GCP_ENTRY_POINT, fn);
    return fn;
  }
  const fn = httpFunction(handle);
  framework().http(GCP_ENTRY_POINT, fn);
  return fn;
}
