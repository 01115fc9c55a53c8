/**
 * alarm → a CloudWatch metric alarm. Queues alarm on `ApproximateAgeOfOldestMessage` and on their
 * dead-letter queue's depth (> 0), streams on `GetRecords.IteratorAgeMilliseconds` (the metric's real
 * name) and on their failure queue's depth, functions on `Errors`. Every DLQ Herald creates inside a kind
 * (topic subscriber queues, a function's async failure queue, ingress failure queues) gets a depth alarm
 * through the helpers below, so no dead letter goes unnoticed.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * @see https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as lambda from '@pulumi/aws/lambda';
import type * as sqs from '@pulumi/aws/sqs';
import type * as kinesis from '@pulumi/aws/kinesis';
import { toSeconds, UnsupportedFeatureError, type AlarmSpec } from '../../contracts';
import { resourceName } from './names';
import type { Tags } from './tags';

/** One CloudWatch metric compared with a threshold. */
export interface MetricCondition {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, pulumi.Input<string>>>;
  readonly statistic: 'Maximum' | 'Sum';
  /** In the metric's unit (ms for iterator age). */
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly description: string;
}

/** CloudWatch takes periods of 10, 30 or a multiple of 60 seconds. */
export function alarmPeriodSeconds(seconds: number): number {
  if (seconds <= 10) return 10;
  if (seconds <= 30) return 30;
  return Math.ceil(seconds / 60) * 60;
}

/** A metric alarm under `parent`: breaching when the statistic is over the threshold in one period. */
export function metricAlarm(name: string, m: MetricCondition, tags: Tags, parent: pulumi.Resource): cloudwatch.MetricAlarm {
  return new cloudwatch.MetricAlarm(resourceName('metricAlarm', name), {
    alarmDescription: m.description,
    namespace: m.namespace,
    metricName: m.metricName,
    dimensions: m.dimensions,
    statistic: m.statistic,
    period: alarmPeriodSeconds(m.periodSeconds),
    evaluationPeriods: 1,
    threshold: m.threshold,
    comparisonOperator: 'GreaterThanThreshold',
    // An idle queue or stream publishes no data points: that is not an incident.
    treatMissingData: 'notBreaching',
    tags,
  }, { parent });
}

/** Messages visible in a dead-letter queue: any is an incident. */
export function deadLettersCondition(queue: sqs.Queue, threshold = 0, periodSeconds = 300): MetricCondition {
  return {
    namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: queue.name },
    statistic: 'Maximum', threshold, periodSeconds, description: 'Dead letters are waiting: inspect and redrive them',
  };
}

/** A depth alarm on a dead-letter queue Herald created inside a kind. */
export function deadLetterAlarm(name: string, queue: sqs.Queue, tags: Tags, parent: pulumi.Resource): cloudwatch.MetricAlarm {
  return metricAlarm(`${name}-dead-letters`, deadLettersCondition(queue), tags, parent);
}

/** The age of the oldest message of a queue, in seconds. */
export function oldestAgeCondition(queue: sqs.Queue, thresholdSeconds: number, periodSeconds = 300): MetricCondition {
  return {
    namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: queue.name },
    statistic: 'Maximum', threshold: thresholdSeconds, periodSeconds, description: `The oldest event is older than ${thresholdSeconds}s: the consumer is behind or failing`,
  };
}

/** What an alarm spec can point at, realized. */
export type AlarmTarget =
  | { readonly kind: 'queue'; readonly queue: sqs.Queue; readonly deadLetterQueue: sqs.Queue }
  | { readonly kind: 'stream'; readonly stream: kinesis.Stream; readonly failureQueue: sqs.Queue }
  | { readonly kind: 'fn'; readonly function: lambda.Function };

/**
 * The CloudWatch metric an alarm spec means on its target.
 * @throws UnsupportedFeatureError for a metric the target has no AWS metric for.
 */
export function conditionFor(spec: AlarmSpec, target: AlarmTarget): MetricCondition {
  const period = toSeconds(spec.period);
  const unsupported = () => new UnsupportedFeatureError('aws', 'alarm', `metric=${spec.metric} on ${spec.on.kind}`, `[alarms[${spec.name}].metric] no AWS metric for it`);
  switch (target.kind) {
    case 'queue':
      if (spec.metric === 'oldestMessageAge') return oldestAgeCondition(target.queue, spec.threshold, period);
      if (spec.metric === 'deadLetters') return deadLettersCondition(target.deadLetterQueue, spec.threshold, period);
      if (spec.metric === 'depth') {
        return { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: target.queue.name }, statistic: 'Maximum', threshold: spec.threshold, periodSeconds: period, description: `More than ${spec.threshold} events wait in the queue` };
      }
      throw unsupported();
    case 'stream':
      if (spec.metric === 'deadLetters') return deadLettersCondition(target.failureQueue, spec.threshold, period);
      if (spec.metric === 'errors') throw unsupported();
      return {
        namespace: 'AWS/Kinesis', metricName: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: target.stream.name },
        statistic: 'Maximum', threshold: spec.threshold * 1_000, periodSeconds: period,
        description: `Consumers lag more than ${spec.threshold}s behind the stream`,
      };
    case 'fn':
      if (spec.metric === 'errors') {
        return { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: target.function.name }, statistic: 'Sum', threshold: spec.threshold, periodSeconds: period, description: `More than ${spec.threshold} failed invocations` };
      }
      if (spec.metric === 'iteratorAge') {
        return { namespace: 'AWS/Lambda', metricName: 'IteratorAge', dimensions: { FunctionName: target.function.name }, statistic: 'Maximum', threshold: spec.threshold * 1_000, periodSeconds: period, description: `The function lags more than ${spec.threshold}s behind its stream` };
      }
      if (spec.metric === 'oldestMessageAge') {
        return { namespace: 'AWS/Lambda', metricName: 'AsyncEventAge', dimensions: { FunctionName: target.function.name }, statistic: 'Maximum', threshold: spec.threshold * 1_000, periodSeconds: period, description: `Async events wait more than ${spec.threshold}s` };
      }
      throw unsupported();
  }
}

export interface AwsAlarmArgs {
  readonly spec: AlarmSpec;
  readonly target: AlarmTarget;
  readonly tags: Tags;
}

/** `herald:aws:Alarm`: one alarm spec (declared, or a queue's or stream's default). */
export class AwsAlarm extends pulumi.ComponentResource {
  readonly alarm: cloudwatch.MetricAlarm;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Alarm', name, {}, opts);
    this.alarm = metricAlarm(name, conditionFor(args.spec, args.target), args.tags, this);
    this.outputs = { name: this.alarm.name, arn: this.alarm.arn };
    this.registerOutputs(this.outputs);
  }
}
