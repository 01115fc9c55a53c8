/**
 * The providers, by cloud name: a typed record, so `herald:cloud` picks one statically (no dynamic
 * require) and a provider missing a kind fails to compile. AWS, Azure, GCP and Kafka are all built.
 */
import * as pulumi from '@pulumi/pulumi';
import { CLOUD_NAMES, type CloudName, type CloudProvider } from '../contracts';
import { aws } from './aws';
import { azure } from './azure';
import { gcp } from './gcp';
import { kafka } from './kafka';

/** Every built provider. */
export const providers = { aws, azure, gcp, kafka } satisfies Partial<Record<CloudName, CloudProvider>>;

/** The name of a cloud whose provider is built. */
export type BuiltCloud = keyof typeof providers;

/** Clouds whose provider is built. */
export const BUILT_CLOUDS = Object.keys(providers) as BuiltCloud[];

/**
 * The cloud the stack's config names (`herald:cloud`, default `aws`).
 * @throws pulumi.RunError as {@link builtCloud} does.
 */
export function readCloud(config: pulumi.Config = new pulumi.Config('herald')): BuiltCloud {
  return builtCloud(config.get('cloud') ?? 'aws');
}

/**
 * `cloud` as the name of a built provider (what `herald plan --cloud` checks before it reads a stack file).
 * @throws pulumi.RunError naming the valid values, or the built ones when the named cloud is not built yet.
 */
export function builtCloud(cloud: string): BuiltCloud {
  if (!(CLOUD_NAMES as readonly string[]).includes(cloud)) {
    throw new pulumi.RunError(`herald:cloud is "${cloud}"; valid values are ${CLOUD_NAMES.join(', ')}`);
  }
  if (!(BUILT_CLOUDS as string[]).includes(cloud)) {
    throw new pulumi.RunError(`herald:cloud "${cloud}" is not built yet; built: ${BUILT_CLOUDS.join(', ')} (valid values: ${CLOUD_NAMES.join(', ')})`);
  }
  return cloud as BuiltCloud;
}
