/**
 * alarm → a Cloud Monitoring alert policy with one threshold condition, notifying the stack's channels
 * (`herald:gcpNotificationChannels`, a list of `projects/<p>/notificationChannels/<id>`). On Pub/Sub a
 * queue or stream is the push subscriptions that read it, so:
 * - oldestMessageAge (queue, fn) and iteratorAge (stream): `subscription/oldest_unacked_message_age`;
 * - depth (queue, stream): `subscription/num_undelivered_messages`;
 * - deadLetters (queue, stream): `num_undelivered_messages` of the dead-letter topic's pull subscription;
 * - errors (fn): the push error rate, `subscription/push_request_count` answered with anything but an ack
 *   (a function nothing pushes to: its Cloud Run service's non-2xx `request_count`).
 * Every dead-letter topic Herald creates inside a kind (a function's direct deliveries, a topic's
 * subscribers) gets a dead-letter policy through `deadLetterAlert`, so no dead letter goes unnoticed.
 * A filtered subscription's backlog metrics may count messages its filter drops (Pub/Sub's caveat).
 * @see https://cloud.google.com/pubsub/docs/monitoring
 * @see https://cloud.google.com/monitoring/api/metrics_gcp_p_z#gcp-pubsub
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitoring from '@pulumi/gcp/monitoring';
import { toSeconds, UnsupportedFeatureError, type AlarmSpec } from '../../contracts';
import type { Labels } from './labels';
import { protoDuration } from './limits';

/** Where alerts go: the stack's config key holding the notification channel names. */
export const NOTIFICATION_CHANNELS_KEY = 'gcpNotificationChannels';

/** The notification channels from the stack's config (`herald:gcpNotificationChannels`), none when unset. */
export function notificationChannels(config: pulumi.Config = new pulumi.Config('herald')): string[] {
  return config.getObject<string[]>(NOTIFICATION_CHANNELS_KEY) ?? [];
}

/** The shortest alignment period Pub/Sub and Cloud Run metrics take (they are sampled every 60 s). */
export const MIN_ALIGNMENT_SECONDS = 60;

/** One metric compared with a threshold. */
export interface MetricCondition {
  /** The Monitoring filter: resource type, resource labels and metric type. */
  readonly filter: pulumi.Input<string>;
  readonly aligner: 'ALIGN_MAX' | 'ALIGN_DELTA';
  /** Summed across series (e.g. errors over a function's subscriptions); max otherwise. */
  readonly reducer: 'REDUCE_MAX' | 'REDUCE_SUM';
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly description: string;
  /** For a ratio: the metric divided by, aggregated the same way. */
  readonly denominator?: pulumi.Input<string>;
}

const quoted = (names: readonly pulumi.Input<string>[]) => pulumi.all([...names]).apply((n) => n.map((x) => JSON.stringify(x)).join(', '));

/** A Pub/Sub subscription metric over some subscriptions (by short name). */
export function subscriptionFilter(metric: string, subscriptions: readonly pulumi.Input<string>[], extra = ''): pulumi.Output<string> {
  return pulumi.interpolate`resource.type = "pubsub_subscription" AND resource.labels.subscription_id = one_of(${quoted(subscriptions)}) AND metric.type = "pubsub.googleapis.com/subscription/${metric}"${extra}`;
}

/** Dead letters waiting in a dead-letter topic's pull subscription: any is an incident. */
export function deadLettersCondition(deadLetterSubscription: pulumi.Input<string>, threshold = 0, periodSeconds = 300): MetricCondition {
  return {
    filter: subscriptionFilter('num_undelivered_messages', [deadLetterSubscription]), aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX',
    threshold, periodSeconds, description: 'Dead letters are waiting in the dead-letter subscription: inspect them and publish them again',
  };
}

/** The age of the oldest unacknowledged message of some subscriptions, in seconds. */
export function oldestAgeCondition(subscriptions: readonly pulumi.Input<string>[], thresholdSeconds: number, periodSeconds = 300): MetricCondition {
  return {
    filter: subscriptionFilter('oldest_unacked_message_age', subscriptions), aligner: 'ALIGN_MAX', reducer: 'REDUCE_MAX',
    threshold: thresholdSeconds, periodSeconds, description: `The oldest event is older than ${thresholdSeconds}s: the function is behind or failing`,
  };
}

/** An alert policy under `parent`: open while the aligned metric is over the threshold. */
export function alertPolicy(name: string, displayName: string, m: MetricCondition, labels: Labels, parent: pulumi.Resource): monitoring.AlertPolicy {
  const period = protoDuration(Math.max(MIN_ALIGNMENT_SECONDS, m.periodSeconds));
  const channels = notificationChannels();
  return new monitoring.AlertPolicy(name, {
    displayName,
    combiner: 'OR',
    conditions: [{
      displayName: m.description,
      conditionThreshold: {
        filter: m.filter,
        comparison: 'COMPARISON_GT',
        thresholdValue: m.threshold,
        duration: '0s',
        aggregations: [{ alignmentPeriod: period, perSeriesAligner: m.aligner, crossSeriesReducer: m.reducer }],
        ...(m.denominator ? {
          denominatorFilter: m.denominator,
          denominatorAggregations: [{ alignmentPeriod: period, perSeriesAligner: m.aligner, crossSeriesReducer: m.reducer }],
        } : {}),
        trigger: { count: 1 },
        // An idle subscription reports no points: that is not an incident.
        evaluationMissingData: 'EVALUATION_MISSING_DATA_INACTIVE',
      },
    }],
    documentation: { content: m.description, mimeType: 'text/markdown' },
    ...(channels.length ? { notificationChannels: channels } : {}),
    alertStrategy: { autoClose: protoDuration(7 * 86_400) },
    userLabels: labels,
  }, { parent });
}

/** The dead-letter policy of a dead-letter topic Herald created inside a kind. */
export function deadLetterAlert(name: string, displayName: string, deadLetterSubscription: pulumi.Input<string>, labels: Labels, parent: pulumi.Resource): monitoring.AlertPolicy {
  return alertPolicy(`${name}-dead-letters`, `${displayName}: dead letters`, deadLettersCondition(deadLetterSubscription), labels, parent);
}

/**
 * The share of pushes a function does not acknowledge (it failed, timed out or nacked: Pub/Sub retries each
 * with backoff) above which its push error policy opens: every function pushed to gets one.
 */
export const PUSH_ERROR_RATE = 0.05;

/** Pushes to some subscriptions answered with anything but an ack, as a share of all pushes. */
export function pushErrorRateCondition(subscriptions: readonly pulumi.Input<string>[], rate = PUSH_ERROR_RATE, periodSeconds = 300): MetricCondition {
  return {
    filter: subscriptionFilter('push_request_count', subscriptions, ' AND metric.labels.response_class != "ack"'),
    denominator: subscriptionFilter('push_request_count', subscriptions),
    aligner: 'ALIGN_DELTA', reducer: 'REDUCE_SUM', threshold: rate, periodSeconds,
    description: `More than ${rate * 100}% of pushes were not acknowledged: the function is failing`,
  };
}

/** What an alarm spec can point at, realized: the subscriptions that read it, by short name. */
export type AlarmTarget =
  | { readonly kind: 'queue' | 'stream'; readonly subscriptions: readonly pulumi.Input<string>[]; readonly deadLetterSubscription: pulumi.Input<string> }
  | { readonly kind: 'fn'; readonly subscriptions: readonly pulumi.Input<string>[]; readonly service: pulumi.Input<string> };

/**
 * The Monitoring condition an alarm spec means on its target.
 * @throws UnsupportedFeatureError for a metric the target has no GCP metric for, or a queue or stream
 *   no subscription reads (it has no metrics of its own).
 */
export function conditionFor(spec: AlarmSpec, target: AlarmTarget): MetricCondition {
  const period = toSeconds(spec.period);
  const unsupported = (why: string) => new UnsupportedFeatureError('gcp', 'alarm', `metric=${spec.metric} on ${spec.on.kind}`, `[alarms[${spec.name}].metric] ${why}`);
  const subs = target.subscriptions;
  if (spec.metric === 'deadLetters') {
    if (target.kind === 'fn') throw unsupported("a function's dead letters are in its queue's or stream's dead-letter topic; alarm on that queue or stream");
    return deadLettersCondition(target.deadLetterSubscription, spec.threshold, period);
  }
  if (spec.metric === 'errors') {
    if (target.kind !== 'fn') throw unsupported(`a ${target.kind} has no error metric; alarm on errors of the function that reads it`);
    return subs.length ? {
      filter: subscriptionFilter('push_request_count', subs, ' AND metric.labels.response_class != "ack"'), aligner: 'ALIGN_DELTA', reducer: 'REDUCE_SUM',
      threshold: spec.threshold, periodSeconds: period, description: `More than ${spec.threshold} pushes to ${spec.on.name} were not acknowledged`,
    } : {
      filter: pulumi.interpolate`resource.type = "cloud_run_revision" AND resource.labels.service_name = "${target.service}" AND metric.type = "run.googleapis.com/request_count" AND metric.labels.response_code_class != "2xx"`,
      aligner: 'ALIGN_DELTA', reducer: 'REDUCE_SUM', threshold: spec.threshold, periodSeconds: period, description: `More than ${spec.threshold} failed requests to ${spec.on.name}`,
    };
  }
  if (!subs.length) throw unsupported(`no subscription reads ${spec.on.kind} ${spec.on.name}, and Pub/Sub measures subscriptions`);
  const age = spec.metric === 'iteratorAge' ? target.kind === 'stream' : spec.metric === 'oldestMessageAge' && target.kind !== 'stream';
  if (age) return oldestAgeCondition(subs, spec.threshold, period);
  if (spec.metric === 'depth' && target.kind !== 'fn') {
    return {
      filter: subscriptionFilter('num_undelivered_messages', subs), aligner: 'ALIGN_MAX', reducer: 'REDUCE_SUM',
      threshold: spec.threshold, periodSeconds: period, description: `More than ${spec.threshold} events wait for ${spec.on.name}`,
    };
  }
  throw unsupported('no GCP metric for it');
}

export interface GcpAlarmArgs {
  readonly spec: AlarmSpec;
  readonly target: AlarmTarget;
  /** `<app>-<stack>`, so policies of two stacks read apart in the console. */
  readonly prefix: string;
  readonly labels: Labels;
}

/** `herald:gcp:Alarm`: one alarm spec (declared, or a queue's or stream's default). */
export class GcpAlarm extends pulumi.ComponentResource {
  readonly policy: monitoring.AlertPolicy;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Alarm', name, {}, opts);
    const condition = conditionFor(args.spec, args.target);
    this.policy = alertPolicy(name, `${args.prefix} ${args.spec.name}: ${args.spec.metric} on ${args.spec.on.kind} ${args.spec.on.name}`, condition, args.labels, this);
    this.outputs = { name: this.policy.name };
    this.registerOutputs(this.outputs);
  }
}
