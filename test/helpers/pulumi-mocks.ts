/**
 * Pulumi mocks for the deploy tests, installed once per process when this module is first imported
 * (before any test creates a resource: a resource created earlier would silently get undefined outputs).
 * The engine and AWS mock target are the ones `herald plan --cloud aws` uses (providers/mocks.ts,
 * providers/aws/mocks.ts): deterministic ids, physical names and ARNs; `call()` answers only the region,
 * account and partition functions and throws for any other token, so a provider that starts calling
 * another data source shows up.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { Topology } from '../../contracts';
import { awsMockCloud } from '../../providers/aws/mocks';
import { installMocks, MockEngine, settle, withCheapStacks, type RecordedResource } from '../../providers/mocks';

export const engine = new MockEngine(awsMockCloud({ region: 'eu-west-1' }));
/** Await in a `before` hook: the mocks are in place once it resolves. */
export const mocksReady = installMocks(engine, 'herald', 'test');

/** Where ingress bundles find a topology (the example app's; bundles are cached, so tests build each once). */
export const APP = {
  module: path.resolve(__dirname, '../../app/topology.ts'),
  exportName: 'shop',
  root: path.resolve(__dirname, '../..'),
};

export type { RecordedResource };

/** Every resource recorded since the last `reset`. */
export function resources(): readonly RecordedResource[] {
  return engine.resources;
}

/** Resources of one type, optionally only those whose URN says they sit under the component type given. */
export function resourcesOf(type: string): RecordedResource[] {
  return engine.resources.filter((r) => r.type === type);
}

/** The one resource of `type` named `name`. @throws listing the names of that type when there is none. */
export function findResource(type: string, name: string): RecordedResource {
  const found = engine.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    throw new Error(`${found.length} ${type} named "${name}"; recorded: ${resourcesOf(type).map((r) => r.name).join(', ') || 'none'}`);
  }
  return found[0]!;
}

/** The resources under a component (its whole subtree), by URN. */
export function descendantsOf(urn: string): RecordedResource[] {
  const direct = engine.resources.filter((r) => r.parent === urn);
  return direct.flatMap((r) => [r, ...descendantsOf(r.urn)]);
}

/** Type → count of a component's direct children: the inventory each kind test pins. */
export function inventoryOf(component: RecordedResource): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of engine.resources.filter((x) => x.parent === component.urn)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

/** Runs `fn` with console.warn captured (pulumi.log.warn writes there under mocks). */
export async function capturingWarnings<T>(fn: () => T | Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const { warn, log } = console;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  // pulumi.log.info writes to console.log under mocks.
  console.log = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  try {
    const result = await fn();
    return { result, warnings };
  } finally {
    Object.assign(console, { warn, log });
  }
}

/**
 * Realizes a topology on AWS from a clean record and waits for every registration; resolves to what
 * realize returned and the warnings logged. Config (e.g. secrets) is set for the call and cleared after.
 */
export async function realizeOnAws(t: Topology, config: Record<string, string> = {}, secretKeys: string[] = []) {
  await mocksReady;
  engine.reset();
  pulumi.runtime.setAllConfig(config, secretKeys);
  const { realize } = await import('../../providers/realize.js');
  const { aws } = await import('../../providers/aws/index.js');
  try {
    return await capturingWarnings(() => withCheapStacks(async () => {
      try {
        return await realize(t, aws, { app: APP, stack: 'test' });
      } finally {
        await settle();
        await engine.flush();
      }
    }));
  } finally {
    pulumi.runtime.setAllConfig({});
  }
}

/** Parses a JSON string input (policies, patterns), failing the test with the text when it is not JSON. */
export function json<T = any>(text: unknown): T {
  if (typeof text !== 'string') throw new Error(`expected a JSON string, got ${JSON.stringify(text)}`);
  return JSON.parse(text) as T;
}

/** Whether a recorded input is a secret (the mock engine receives secrets wrapped, with their value). */
export function isSecretInput(value: unknown): boolean {
  return !!value && typeof value === 'object' && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** A recorded input with secret wrappers removed, to assert on the values. */
export function unsecret<T = any>(value: unknown): T {
  if (isSecretInput(value)) return unsecret((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(unsecret) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsecret(v)])) as T;
  }
  return value as T;
}
