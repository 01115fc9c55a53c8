/**
 * alarm → an Azure Monitor metric alert (`monitor:MetricAlert`; `insights` is gone in azure-native v3)
 * notifying the stack's action group. Queues alarm on Service Bus `DeadletteredMessages` > 0 and on
 * `ActiveMessages` over a threshold, filtered to the entity by the `EntityName` dimension: Service Bus
 * has no age-of-oldest-message metric, so `oldestMessageAge` becomes `depth` (the capabilities say so).
 * Event Grid topics alarm on `DeadLetteredCount`, functions on Application Insights' failed requests for
 * their app (`cloud/roleName`). Streams have none: Event Hubs has no consumer-lag metric, and what a
 * reader gives up on is a blob (Storage metrics do not split by container).
 * @see https://learn.microsoft.com/azure/service-bus-messaging/monitor-service-bus-reference
 * @see https://learn.microsoft.com/azure/event-grid/monitor-event-grid-reference
 */
import * as pulumi from '@pulumi/pulumi';
import * as monitor from '@pulumi/azure-native/monitor';
import { toSeconds, UnsupportedFeatureError, type AlarmSpec } from '../../contracts';
import type { AzureFoundation } from './foundation';
import { resourceName } from './names';
import type { Tags } from './tags';

/** One metric of one resource compared with a threshold. */
export interface MetricCondition {
  /** The resource the metric belongs to (a namespace, a topic, an Application Insights component). */
  readonly scope: pulumi.Input<string>;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly dimensions: readonly { readonly name: string; readonly values: readonly pulumi.Input<string>[] }[];
  readonly aggregation: 'Maximum' | 'Total' | 'Count' | 'Average';
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly description: string;
}

/**
 * Window sizes a metric alert takes, in seconds, and how often each is evaluated.
 * @see https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-metric-logs#metric-alert-rule-properties
 */
export const ALERT_WINDOWS: readonly { readonly seconds: number; readonly iso: string; readonly every: string }[] = [
  { seconds: 60, iso: 'PT1M', every: 'PT1M' }, { seconds: 300, iso: 'PT5M', every: 'PT1M' }, { seconds: 900, iso: 'PT15M', every: 'PT5M' },
  { seconds: 1_800, iso: 'PT30M', every: 'PT5M' }, { seconds: 3_600, iso: 'PT1H', every: 'PT15M' }, { seconds: 21_600, iso: 'PT6H', every: 'PT1H' },
  { seconds: 43_200, iso: 'PT12H', every: 'PT1H' }, { seconds: 86_400, iso: 'P1D', every: 'PT1H' },
];

/** The smallest window that covers `seconds` (the longest when none does). */
export function alertWindow(seconds: number): (typeof ALERT_WINDOWS)[number] {
  return ALERT_WINDOWS.find((w) => w.seconds >= seconds) ?? ALERT_WINDOWS[ALERT_WINDOWS.length - 1]!;
}

/** Severity of every Herald alert: 2 (warning): a backlog or a dead letter needs a look, not a page at night. */
export const ALERT_SEVERITY = 2;

/** A metric alert under `parent`, firing when the aggregate is over the threshold in one window. */
export function metricAlert(name: string, m: MetricCondition, foundation: AzureFoundation, tags: Tags, parent: pulumi.Resource): monitor.MetricAlert {
  const window = alertWindow(m.periodSeconds);
  return new monitor.MetricAlert(resourceName('metricAlert', name), {
    resourceGroupName: foundation.resourceGroupName,
    location: 'global',
    description: m.description,
    enabled: true,
    severity: ALERT_SEVERITY,
    scopes: [m.scope],
    evaluationFrequency: window.every,
    windowSize: window.iso,
    // Resolves itself when the metric is back under the threshold.
    autoMitigate: true,
    criteria: {
      odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
      allOf: [{
        criterionType: 'StaticThresholdCriterion',
        name: m.metricName.replace(/[^A-Za-z0-9]/g, ''),
        metricNamespace: m.metricNamespace,
        metricName: m.metricName,
        dimensions: m.dimensions.map((d) => ({ name: d.name, operator: 'Include', values: [...d.values] })),
        operator: 'GreaterThan',
        threshold: m.threshold,
        timeAggregation: m.aggregation,
      }],
    },
    actions: foundation.actionGroupId !== undefined ? [{ actionGroupId: foundation.actionGroupId }] : [],
    tags,
  }, { parent });
}

const SERVICE_BUS = 'Microsoft.ServiceBus/namespaces';

/** Messages in a Service Bus entity's dead-letter sub-queue. */
export function deadLetteredCondition(namespaceId: pulumi.Input<string>, entity: pulumi.Input<string>, threshold = 0, periodSeconds = 300): MetricCondition {
  return {
    scope: namespaceId, metricNamespace: SERVICE_BUS, metricName: 'DeadletteredMessages', dimensions: [{ name: 'EntityName', values: [entity] }],
    aggregation: 'Maximum', threshold, periodSeconds, description: 'Dead letters are waiting: inspect and redrive them',
  };
}

/** Active (deliverable) messages of a Service Bus entity: the backlog. */
export function activeMessagesCondition(namespaceId: pulumi.Input<string>, entity: pulumi.Input<string>, threshold: number, periodSeconds = 300, description = `More than ${threshold} events wait`): MetricCondition {
  return {
    scope: namespaceId, metricNamespace: SERVICE_BUS, metricName: 'ActiveMessages', dimensions: [{ name: 'EntityName', values: [entity] }],
    aggregation: 'Maximum', threshold, periodSeconds, description,
  };
}

/** Events an Event Grid topic (custom or system) gave up on and wrote to its dead-letter container. */
export function eventGridDeadLetterCondition(topicId: pulumi.Input<string>, system: boolean, periodSeconds = 300): MetricCondition {
  return {
    scope: topicId, metricNamespace: system ? 'Microsoft.EventGrid/systemTopics' : 'Microsoft.EventGrid/topics', metricName: 'DeadLetteredCount', dimensions: [],
    aggregation: 'Total', threshold: 0, periodSeconds, description: 'Event Grid dead-lettered events: read them from the dead-letter container',
  };
}

/** What an alarm spec can point at, realized. */
export type AlarmTarget =
  | { readonly kind: 'queue'; readonly namespaceId: pulumi.Input<string>; readonly entity: pulumi.Input<string> }
  | { readonly kind: 'fn'; readonly appInsightsId: pulumi.Input<string>; readonly appName: pulumi.Input<string> };

/**
 * The Azure Monitor metric an alarm spec means on its target.
 * @throws UnsupportedFeatureError for a metric the target has no Azure metric for (the capabilities refuse those earlier).
 */
export function conditionFor(spec: AlarmSpec, target: AlarmTarget): MetricCondition {
  const period = toSeconds(spec.period);
  const unsupported = () => new UnsupportedFeatureError('azure', 'alarm', `metric=${spec.metric} on ${spec.on.kind}`, `[alarms[${spec.name}].metric] no Azure metric for it`);
  switch (target.kind) {
    case 'queue':
      if (spec.metric === 'deadLetters') return deadLetteredCondition(target.namespaceId, target.entity, spec.threshold, period);
      if (spec.metric === 'depth') return activeMessagesCondition(target.namespaceId, target.entity, spec.threshold, period);
      throw unsupported();
    case 'fn':
      if (spec.metric === 'errors') {
        return {
          scope: target.appInsightsId, metricNamespace: 'microsoft.insights/components', metricName: 'requests/failed',
          dimensions: [{ name: 'cloud/roleName', values: [target.appName] }], aggregation: 'Count', threshold: spec.threshold, periodSeconds: period,
          description: `More than ${spec.threshold} failed invocations`,
        };
      }
      throw unsupported();
  }
}

export interface AzureAlarmArgs {
  readonly spec: AlarmSpec;
  readonly target: AlarmTarget;
  readonly foundation: AzureFoundation;
  readonly tags: Tags;
}

/** `herald:azure:Alarm`: one alarm spec (declared, or a queue's or stream's default). */
export class AzureAlarm extends pulumi.ComponentResource {
  readonly alert: monitor.MetricAlert;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Alarm', name, {}, opts);
    this.alert = metricAlert(name, conditionFor(args.spec, args.target), args.foundation, args.tags, this);
    this.outputs = { name: this.alert.name, id: this.alert.id };
    this.registerOutputs(this.outputs);
  }
}
