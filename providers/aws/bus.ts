/**
 * bus → an EventBridge custom event bus. Publishers put events on it with `Source` = the envelope's
 * source, `DetailType` = the wire type and `Detail` = the whole CloudEvent; each subscription adds a rule
 * (see subscription.ts). Schedules and AWS service events never go through a custom bus's scheduled rules
 * (those work only on the default bus), which is why schedules use EventBridge Scheduler instead.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type { BusSpec } from '../../contracts';
import { resourceName } from './names';
import type { Tags } from './tags';

export interface AwsBusArgs {
  readonly spec: BusSpec;
  readonly tags: Tags;
}

/** `herald:aws:Bus`: a custom event bus. */
export class AwsBus extends pulumi.ComponentResource {
  readonly bus: cloudwatch.EventBus;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Bus', name, {}, opts);
    this.bus = new cloudwatch.EventBus(resourceName('eventBus', name), {
      description: `Herald bus ${args.spec.name}`,
      tags: args.tags,
      ...args.spec.overrides?.aws,
    }, { parent: this });
    this.outputs = { name: this.bus.name, arn: this.bus.arn };
    this.registerOutputs(this.outputs);
  }
}
