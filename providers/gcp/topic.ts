/**
 * topic → a Pub/Sub topic for fan-out, and for each subscriber that does not name its own queue, what its
 * own queue adds on Pub/Sub (queue.ts): a dead-letter topic with its pull subscription and the service
 * agent's grant, plus the default alerts a declared queue gets (oldest unacked age, dead letters). Each
 * subscriber's push subscription, with its own filter, is the subscription's (subscription.ts).
 * @see https://cloud.google.com/pubsub/docs/subscriber
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import { DEFAULTS, toSeconds, type Channel, type DeliveryPlan, type TopicSpec } from '../../contracts';
import { alertPolicy, deadLetterAlert, oldestAgeCondition } from './alarm';
import type { Labels } from './labels';
import { resourceName } from './names';
import { deadLetterTopic, type DeadLetterTopic } from './queue';
import { pushSubscriptionNameOf } from './subscription';

export interface GcpTopicArgs {
  readonly spec: TopicSpec;
  readonly plan: DeliveryPlan;
  /** `<app>-<stack>`: push subscription names start with it. */
  readonly prefix: string;
  readonly agentMember: pulumi.Input<string>;
  readonly labels: Labels;
  /** Labels of a subscriber's resources, named after its subscription. */
  readonly subscriberLabels: (subscription: string) => Labels;
}

/** Channels from this topic that read through a queue of their own (no `via`). */
export function ownQueueChannels(plan: DeliveryPlan, topic: string): Channel[] {
  return plan.channels.filter((c) => c.from.kind === 'topic' && c.from.name === topic && c.source.kind === 'queue' && c.source.own);
}

/** `herald:gcp:Topic`: a topic and its subscribers' dead letters. */
export class GcpTopic extends pulumi.ComponentResource {
  readonly topic: pubsub.Topic;
  /** By subscription name. */
  readonly subscriberDeadLetters: Readonly<Record<string, DeadLetterTopic>>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Topic', name, {}, opts);
    this.topic = new pubsub.Topic(resourceName('pubsubTopic', name), { labels: args.labels, ...args.spec.overrides?.gcp }, { parent: this });
    const d = DEFAULTS.queue;
    const deadLetters: Record<string, DeadLetterTopic> = {};
    for (const c of ownQueueChannels(args.plan, args.spec.name)) {
      const sub = c.subscription;
      const labels = args.subscriberLabels(sub);
      const dl = deadLetterTopic(`${name}-${sub}`, { retentionSeconds: toSeconds(d.deadLetterRetention), agentMember: args.agentMember, labels }, this);
      deadLetters[sub] = dl;
      // The production defaults a declared queue gets from realize(): age of the oldest event, dead letters.
      const subscription = pushSubscriptionNameOf(args.prefix, c);
      alertPolicy(`${name}-${sub}-age`, `${args.prefix} ${sub}: oldest event age`, oldestAgeCondition([subscription], toSeconds(d.alarmOnAge)), labels, this);
      deadLetterAlert(`${name}-${sub}`, `${args.prefix} ${sub}`, dl.subscription.name, labels, this);
    }
    this.subscriberDeadLetters = deadLetters;
    this.outputs = { name: this.topic.name, id: this.topic.id };
    this.registerOutputs(this.outputs);
  }
}
