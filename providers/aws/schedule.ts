/**
 * schedule → an EventBridge Scheduler schedule (not a scheduled rule: those run only on the default
 * bus) in its own schedule group (schedules cannot be tagged; groups can, and the role's trust names the
 * group), on the 5-field cron translated to AWS's 6-field form, in UTC. It puts the declared event on the
 * bus (templated PutEvents target) or publishes it to the topic (SNS universal target, with the filter
 * attributes), as a CloudEvent whose time is `<aws.scheduler.scheduled-time>`. The event id is the
 * schedule's name and scheduled time, so a retried or duplicated run is deduplicated downstream. Data that
 * does not fit the event is refused at deploy time (the Scheduler would only fail at run time).
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as iam from '@pulumi/aws/iam';
import * as scheduler from '@pulumi/aws/scheduler';
import type * as sqs from '@pulumi/aws/sqs';
import { TopologyError, type EventDefinition, type ScheduleSpec } from '../../contracts';
import { scheduleDataIssues, scheduledData, scheduledEventId } from '../../runtime/ingress-events';
import { deadLetterAlarm } from './alarm';
import { toAwsCron } from './cron';
import type { PublishTarget } from './function';
import { ACTIONS, assumeRolePolicy, policyDocument } from './iam';
import { resourceName } from './names';
import { deadLetterQueue } from './queue';
import { snsAttributeName } from './runtime/wire';
import type { Tags } from './tags';

/** Scheduler context attributes, substituted in the target input at each run. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';
export const EXECUTION_ID = '<aws.scheduler.execution-id>';
/** The SNS Publish universal target. @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html */
export const SNS_PUBLISH_TARGET = 'arn:aws:scheduler:::aws-sdk:sns:publish';

/**
 * The CloudEvent a schedule emits, with the Scheduler's context attributes in it: the event of
 * runtime/ingress-events.ts with the run time left for the Scheduler to fill in.
 * @throws TopologyError when the schedule's data does not fit its event (checked with a sample run time):
 *   the Scheduler fills it in at each run, where nothing could check it any more.
 */
export function scheduledEnvelope(spec: ScheduleSpec, event: EventDefinition<any>): Record<string, unknown> {
  const issues = scheduleDataIssues([spec], () => event);
  if (issues.length) throw new TopologyError(issues);
  const data = scheduledData(spec.data, SCHEDULED_TIME);
  const extensions: Record<string, string> = {};
  for (const [name, compute] of Object.entries(event.extensions)) {
    try {
      const value = compute(data);
      if (typeof value === 'string') extensions[name] = value;
    } catch {
      // An extension that cannot be computed from the template is simply absent, as when a publisher omits it.
    }
  }
  return {
    specversion: '1.0',
    id: scheduledEventId(spec.name, SCHEDULED_TIME),
    source: event.source,
    type: spec.emits,
    time: SCHEDULED_TIME,
    datacontenttype: 'application/json',
    correlationid: EXECUTION_ID,
    ...extensions,
    data,
  };
}

export interface AwsScheduleArgs {
  readonly spec: ScheduleSpec;
  readonly event: EventDefinition<any>;
  readonly target: PublishTarget;
  readonly tags: Tags;
}

/** `herald:aws:Schedule`: a schedule, its group, its role and its dead-letter queue. */
export class AwsSchedule extends pulumi.ComponentResource {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly policy: iam.RolePolicy;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before any resource: a schedule whose data does not fit its event is refused whole.
    const envelope = scheduledEnvelope(args.spec, args.event);
    super('herald:aws:Schedule', name, {}, opts);
    const { spec, event, target } = args;
    this.group = new scheduler.ScheduleGroup(resourceName('scheduleGroup', name), { tags: args.tags }, { parent: this });
    this.deadLetterQueue = deadLetterQueue(`${name}-dlq`, args.tags, this);
    deadLetterAlarm(name, this.deadLetterQueue, args.tags, this);
    this.role = new iam.Role(resourceName('iamRole', `${name}-scheduler`), {
      assumeRolePolicy: assumeRolePolicy('scheduler.amazonaws.com', this.group.arn),
      tags: args.tags,
    }, { parent: this });
    this.policy = new iam.RolePolicy(`${name}-scheduler-policy`, {
      role: this.role.id,
      // The Scheduler sends to the dead-letter queue with this role too.
      policy: policyDocument([target.grant, { sid: 'DeadLetter', actions: ACTIONS.sqsSend, resources: [this.deadLetterQueue.arn] }]),
    }, { parent: this });
    const attributes = Object.fromEntries(['type', 'source', ...Object.keys(event.extensions)]
      .filter((f) => typeof envelope[f] === 'string')
      .map((f) => [snsAttributeName(f), { DataType: 'String', StringValue: envelope[f] }]));
    this.schedule = new scheduler.Schedule(resourceName('schedule', name), {
      groupName: this.group.name,
      scheduleExpression: toAwsCron(spec.cron),
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        roleArn: this.role.arn,
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        ...(target.kind === 'bus'
          ? { arn: target.arn, eventbridgeParameters: { detailType: spec.emits, source: event.source }, input: JSON.stringify(envelope) }
          : { arn: SNS_PUBLISH_TARGET, input: pulumi.jsonStringify({ TopicArn: target.arn, Message: JSON.stringify(envelope), MessageAttributes: attributes }) }),
      },
    }, { parent: this, dependsOn: [this.policy] });
    this.outputs = { name: this.schedule.name, arn: this.schedule.arn, expression: this.schedule.scheduleExpression };
    this.registerOutputs(this.outputs);
  }
}
