/**
 * bus → a Pub/Sub topic. Publishers send each event in the CloudEvents binary binding (runtime/wire.ts):
 * data = the event's data, attributes `ce-*`; each subscription is an explicit push subscription on it
 * with its own filter over those attributes and its own dead-letter policy (subscription.ts), never a
 * Cloud Functions `eventTrigger`, whose Eventarc subscription can have no filter, dead letters or ordering.
 * @see https://cloud.google.com/pubsub/docs/subscription-message-filter
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import type { BusSpec } from '../../contracts';
import type { Labels } from './labels';
import { resourceName } from './names';

export interface GcpBusArgs {
  readonly spec: BusSpec;
  readonly labels: Labels;
}

/** `herald:gcp:Bus`: a topic. */
export class GcpBus extends pulumi.ComponentResource {
  readonly topic: pubsub.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Bus', name, {}, opts);
    this.topic = new pubsub.Topic(resourceName('pubsubTopic', name), { labels: args.labels, ...args.spec.overrides?.gcp }, { parent: this });
    this.outputs = { name: this.topic.name, id: this.topic.id };
    this.registerOutputs(this.outputs);
  }
}
