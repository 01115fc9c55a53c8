/**
 * Stand-ins for what only a deployed stack has, for `herald invoke`: physical names, ARNs and URLs made
 * from the logical names in a placeholder account and region, so a function's config, the sample events
 * and the recorded SDK calls all name the same resources. Nothing here reaches AWS.
 */
import type { Channel, FunctionSpec, Ref, Topology } from '../../contracts';
import type { FunctionResources, PublishResource } from './function-config';
import { SAMPLE_ACCOUNT as ACCOUNT, SAMPLE_REGION as REGION } from './runtime/binding';

const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
const queueUrl = (name: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
// A FIFO queue's name ends in .fifo, as its dead-letter queue's does (an ordered queue is FIFO on AWS).
const fifo = (name: string, ordered: boolean) => (ordered ? `${name}.fifo` : name);

/** What a channel reads, offline: the ARN its records report, and its dead-letter queue's URL. */
export function offlineSource(channel: Channel): { readonly arn: string; readonly deadLetterQueueUrl: string } | undefined {
  const { source } = channel;
  if (source.kind === 'direct') return undefined;
  if (source.kind === 'stream') {
    return { arn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${source.stream}`, deadLetterQueueUrl: queueUrl(`${source.stream}-failures`) };
  }
  const ordered = channel.orderKey !== undefined;
  return { arn: queueArn(fifo(source.queue, ordered)), deadLetterQueueUrl: queueUrl(fifo(`${source.queue}-dlq`, ordered)) };
}

/** A bus or topic, offline. */
export function offlinePublishResource(to: Ref<'bus' | 'topic'>): PublishResource {
  return to.kind === 'bus' ? { kind: 'bus', name: to.name } : { kind: 'topic', arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${to.name}` };
}

/** The resources of a function's config, offline (the deploy side passes Pulumi's instead). */
export function offlineResources(t: Topology, spec: FunctionSpec, channels: readonly Channel[]): FunctionResources {
  const sources: Record<string, { arn: string; deadLetterQueueUrl: string }> = {};
  for (const c of channels) {
    const source = offlineSource(c);
    if (source) sources[c.sourceKey] = source;
  }
  return {
    ...(spec.publishes ? { publishTo: offlinePublishResource(spec.publishes.to) } : {}),
    sources,
    idempotencyTable: `${t.name}-idempotency`,
    claimCheckBucket: `${t.name}-claim-check`,
  };
}
