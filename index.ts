/**
 * The Pulumi program: reads `herald:cloud`, realizes the example app's topology on that cloud and exports
 * its outputs. `pulumi up` runs it; `herald plan` runs it under Pulumi's mock engine.
 */
import * as pulumi from '@pulumi/pulumi';

export const CLOUDS = ['aws', 'azure', 'gcp'] as const;
export type CloudName = (typeof CLOUDS)[number];

/** Clouds whose provider is built. */
const BUILT: readonly CloudName[] = [];

/** The cloud chosen by stack config. @throws pulumi.RunError naming the valid values. */
export function readCloud(config = new pulumi.Config('herald')): CloudName {
  const cloud = config.get('cloud') ?? 'aws';
  if (!(CLOUDS as readonly string[]).includes(cloud)) {
    throw new pulumi.RunError(`herald:cloud is "${cloud}"; valid values are ${CLOUDS.join(', ')}`);
  }
  if (!BUILT.includes(cloud as CloudName)) {
    throw new pulumi.RunError(`herald:cloud "${cloud}" is not built yet; built clouds: ${BUILT.join(', ') || 'none'} (valid values: ${CLOUDS.join(', ')})`);
  }
  return cloud as CloudName;
}

readCloud();
