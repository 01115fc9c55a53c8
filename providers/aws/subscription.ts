/**
 * subscription → the route from a source to a function:
 * - bus, direct: a rule (pattern compiled from the filter) → the function, allowed by a Lambda permission
 *   scoped to the rule; failures go to the function's on-failure destination (function.ts);
 * - bus via a queue: a rule → the queue, then an event source mapping (`ReportBatchItemFailures`, batch
 *   size and window from the queue's spec);
 * - bus via a stream: a rule → Kinesis, partitioned by the stream's key, then a mapping with the stream
 *   safety settings (bisect on error, bounded retries and record age, on-failure destination);
 * - topic: an SNS subscription to the subscriber's queue (raw delivery, filter policy, redrive policy),
 *   then a mapping; stream: a mapping.
 * Filters the broker cannot evaluate are reported with `pulumi.log.warn` and evaluated in the function.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as lambda from '@pulumi/aws/lambda';
import * as sns from '@pulumi/aws/sns';
import type * as sqs from '@pulumi/aws/sqs';
import { toSeconds, type Channel, type StreamSpec, type Topology } from '../../contracts';
import type { AwsBus } from './bus';
import type { AwsFunction } from './function';
import type { QueueDelivery } from './iam';
import type { RedrivenQueue } from './queue';
import { deliveryKeys } from './routing';
import type { AwsStream } from './stream';
import { partitionKeyPath } from './stream';
import { eventRule, functionTarget, queuePolicy, queueTarget, streamTarget } from './targets';
import type { AwsTopic } from './topic';
import type { Tags } from './tags';

/** What a subscription polls, when it is the one that creates the mapping. */
export type Mapping =
  | { readonly kind: 'queue'; readonly queue: RedrivenQueue; readonly batchSize: number; readonly windowSeconds: number; readonly fifo: boolean }
  | { readonly kind: 'stream'; readonly stream: AwsStream; readonly spec: StreamSpec };

export interface AwsSubscriptionArgs {
  /** The subscription's channel in the delivery plan. */
  readonly channel: Channel;
  readonly topology: Topology;
  readonly fn: AwsFunction;
  readonly source:
    | { readonly kind: 'bus'; readonly bus: AwsBus; readonly into: { readonly kind: 'function' } | { readonly kind: 'queue'; readonly queue: RedrivenQueue; readonly messageGroupId?: string } | { readonly kind: 'stream'; readonly stream: AwsStream; readonly key: string } }
    | { readonly kind: 'topic'; readonly topic: AwsTopic; readonly queue: RedrivenQueue }
    | { readonly kind: 'stream' };
  readonly mapping?: Mapping;
  /** Queue policies this subscription completes (it is the last one sending to them), with earlier senders. */
  readonly policies: readonly { readonly key: string; readonly queue: sqs.Queue; readonly earlier: readonly QueueDelivery[] }[];
  readonly tags: Tags;
}

/** `herald:aws:Subscription`: one route from a source to a function. */
export class AwsSubscription extends pulumi.ComponentResource {
  readonly rule?: cloudwatch.EventRule;
  readonly target?: cloudwatch.EventTarget;
  readonly permission?: lambda.Permission;
  readonly topicSubscription?: sns.TopicSubscription;
  readonly mapping?: lambda.EventSourceMapping;
  readonly queuePolicies: readonly sqs.QueuePolicy[];
  /** Who sends to which queue for this route, by delivery key. */
  readonly deliveries: Readonly<Record<string, QueueDelivery>>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsSubscriptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Subscription', name, {}, opts);
    const { channel, source, fn } = args;
    const { filter } = channel;
    for (const d of filter.diagnostics) {
      const log = d.severity === 'warning' ? pulumi.log.warn : pulumi.log.info;
      log(`subscription ${channel.subscription}: ${d.message}`, this);
    }
    let sourceArn: pulumi.Input<string> | undefined;
    if (source.kind === 'bus') {
      const busName = source.bus.bus.name;
      this.rule = eventRule(name, { busName, pattern: filter.native as Record<string, unknown>, description: `Herald subscription ${channel.subscription} → ${channel.function}`, tags: args.tags }, this);
      const into = source.into;
      const t = { rule: this.rule, busName };
      if (into.kind === 'function') {
        ({ target: this.target, permission: this.permission } = functionTarget(name, { ...t, fn: fn.function, deadLetterArn: fn.deadLetterQueue!.arn }, this));
      } else if (into.kind === 'queue') {
        ({ target: this.target } = queueTarget(name, { ...t, queue: into.queue.queue, deadLetterArn: into.queue.deadLetterQueue.arn, ...(into.messageGroupId ? { messageGroupId: into.messageGroupId } : {}) }, this));
      } else {
        ({ target: this.target } = streamTarget(name, { ...t, stream: into.stream.stream, deadLetterArn: into.stream.failureQueue.arn, partitionKeyPath: partitionKeyPath(into.key), tags: args.tags }, this));
      }
      sourceArn = this.rule.arn;
    } else if (source.kind === 'topic') {
      this.topicSubscription = new sns.TopicSubscription(`${name}-sns`, {
        topic: source.topic.topic.arn,
        protocol: 'sqs',
        endpoint: source.queue.queue.arn,
        // The body is the CloudEvent itself, not SNS's notification JSON.
        rawMessageDelivery: true,
        filterPolicy: JSON.stringify(filter.native),
        filterPolicyScope: 'MessageAttributes',
        // Messages SNS cannot deliver to the queue (policy, deleted queue) land in the queue's DLQ.
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: source.queue.deadLetterQueue.arn }),
      }, { parent: this });
      sourceArn = source.topic.topic.arn;
    }
    this.deliveries = Object.fromEntries(deliveryKeys(channel).map(({ key, service }) => [key, { service, sourceArn: sourceArn! }]));
    this.queuePolicies = args.policies.map((p) => queuePolicy(`${name}-${p.key.replace(/[^a-z0-9-]/g, '-')}`, p.queue, [...p.earlier, this.deliveries[p.key]!], this));
    const concurrency = args.topology.functions.find((f) => f.name === channel.function)?.concurrency;
    if (args.mapping) this.mapping = eventSourceMapping(name, args.mapping, fn, concurrency, args.tags, this);
    this.outputs = {
      ...(this.rule ? { rule: this.rule.arn } : {}),
      ...(this.topicSubscription ? { subscription: this.topicSubscription.arn } : {}),
      ...(this.mapping ? { mapping: this.mapping.uuid } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}

/**
 * The mapping from a queue or stream to the function. A function's concurrency limit also caps its SQS
 * pollers (`maximumConcurrency`, at least 2): limiting by reserved concurrency alone makes Lambda throttle
 * the pollers' batches, which return to the queue and count as receives, dead-lettering healthy messages.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency
 */
function eventSourceMapping(name: string, m: Mapping, fn: AwsFunction, concurrency: number | undefined, tags: Tags, parent: pulumi.Resource): lambda.EventSourceMapping {
  const common = {
    functionName: fn.function.arn,
    // Failed records are named in the answer; the rest of the batch is done.
    functionResponseTypes: ['ReportBatchItemFailures'],
    tags,
  };
  if (m.kind === 'queue') {
    return new lambda.EventSourceMapping(`${name}-mapping`, {
      ...common,
      eventSourceArn: m.queue.queue.arn,
      batchSize: m.batchSize,
      ...(m.fifo ? {} : { maximumBatchingWindowInSeconds: m.windowSeconds }),
      ...(concurrency !== undefined ? { scalingConfig: { maximumConcurrency: Math.max(2, concurrency) } } : {}),
    }, { parent, dependsOn: [fn.policy] });
  }
  const s = m.spec;
  return new lambda.EventSourceMapping(`${name}-mapping`, {
    ...common,
    eventSourceArn: m.stream.stream.arn,
    startingPosition: 'TRIM_HORIZON',
    batchSize: s.batch.size,
    maximumBatchingWindowInSeconds: toSeconds(s.batch.window),
    // The stream defaults retry a failing batch forever and block the shard: bound everything.
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: s.maxAttempts - 1,
    maximumRecordAgeInSeconds: Math.min(604_800, Math.max(60, toSeconds(s.maxEventAge))),
    destinationConfig: { onFailure: { destinationArn: m.stream.failureQueue.arn } },
  }, { parent, dependsOn: [fn.policy] });
}
