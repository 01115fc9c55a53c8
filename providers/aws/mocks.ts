/**
 * AWS as Pulumi's mock engine sees it (`herald plan --cloud aws` and the deploy tests): the physical name
 * (auto-named with a suffix hashed from the URN, as Pulumi does), ARN, URL and other outputs AWS reports
 * for each resource type Herald creates, and stubs of the provider functions a program may call for the
 * region, account and partition. The account is made up; the region is the stack's `aws:region`.
 */
import { mockHash as hash, type MockCall, type MockCloud, type MockReport, type MockResource, type MockTarget } from '../mocks';

export interface AwsMockOptions {
  readonly region: string;
  /** @default '123456789012' (the account AWS's own documentation uses) */
  readonly accountId?: string;
}

/** Resource types whose physical name Pulumi generates when `name` is not given. */
const AUTONAMED = new Set([
  'aws:sqs/queue:Queue', 'aws:sns/topic:Topic', 'aws:cloudwatch/eventBus:EventBus', 'aws:cloudwatch/eventRule:EventRule',
  'aws:lambda/function:Function', 'aws:iam/role:Role', 'aws:iam/rolePolicy:RolePolicy', 'aws:cloudwatch/logGroup:LogGroup',
  'aws:kinesis/stream:Stream', 'aws:dynamodb/table:Table', 'aws:scheduler/schedule:Schedule', 'aws:scheduler/scheduleGroup:ScheduleGroup',
  'aws:apigatewayv2/api:Api', 'aws:cloudwatch/metricAlarm:MetricAlarm',
]);

/** AWS in one region of one made-up account. */
export function awsMockCloud(options: AwsMockOptions): MockCloud {
  const region = options.region;
  const account = options.accountId ?? '123456789012';
  const calls: Record<string, MockCall> = {
    'aws:index/getRegion:getRegion': () => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
    'aws:index/getCallerIdentity:getCallerIdentity': () => ({
      id: account, accountId: account, arn: `arn:aws:iam::${account}:user/herald-plan`, userId: 'AIDAHERALDPLAN',
    }),
    'aws:index/getPartition:getPartition': () => ({ id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' }),
  };
  return { location: { region }, calls, report: (resource) => report(resource, region, account) };
}

/** Reads the region from the stack's `aws:region`. */
export const awsMockTarget: MockTarget = {
  requiredConfig: ['aws:region'],
  forStack: (config) => awsMockCloud({ region: config['aws:region']! }),
};

/** What AWS reports for a resource of this type: physical name, ARN, URL, … */
function report({ type, name, urn, inputs }: MockResource, r: string, a: string): MockReport {
  if (!type.startsWith('aws:')) return { state: {} };
  const physical: string | undefined = inputs.name ?? (AUTONAMED.has(type) ? `${name}-${hash(urn, 7)}${inputs.fifoQueue ? '.fifo' : ''}` : undefined);
  const named = physical !== undefined ? { name: physical } : {};
  switch (type) {
    case 'aws:sqs/queue:Queue': {
      const url = `https://sqs.${r}.amazonaws.com/${a}/${physical}`;
      return { id: url, state: { ...named, arn: `arn:aws:sqs:${r}:${a}:${physical}`, url } };
    }
    case 'aws:sns/topic:Topic': return { state: { ...named, arn: `arn:aws:sns:${r}:${a}:${physical}` } };
    case 'aws:sns/topicSubscription:TopicSubscription': return { state: { arn: `${inputs.topic}:${hash(urn, 8)}-sub` } };
    case 'aws:cloudwatch/eventBus:EventBus': return { state: { ...named, arn: `arn:aws:events:${r}:${a}:event-bus/${physical}` } };
    case 'aws:cloudwatch/eventRule:EventRule':
      return { state: { ...named, arn: `arn:aws:events:${r}:${a}:rule/${inputs.eventBusName ? `${inputs.eventBusName}/` : ''}${physical}` } };
    case 'aws:lambda/function:Function': {
      const arn = `arn:aws:lambda:${r}:${a}:function:${physical}`;
      return { id: physical, state: { ...named, arn, qualifiedArn: `${arn}:$LATEST`, invokeArn: `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/${arn}/invocations` } };
    }
    case 'aws:lambda/eventSourceMapping:EventSourceMapping': {
      const uuid = hash(urn, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
      return { id: uuid, state: { uuid, arn: `arn:aws:lambda:${r}:${a}:event-source-mapping:${uuid}` } };
    }
    case 'aws:iam/role:Role': return { id: physical, state: { ...named, arn: `arn:aws:iam::${a}:role/${physical}`, uniqueId: `AROA${hash(urn, 16).toUpperCase()}` } };
    case 'aws:cloudwatch/logGroup:LogGroup': return { id: physical, state: { ...named, arn: `arn:aws:logs:${r}:${a}:log-group:${physical}` } };
    case 'aws:kinesis/stream:Stream': return { state: { ...named, arn: `arn:aws:kinesis:${r}:${a}:stream/${physical}` } };
    case 'aws:dynamodb/table:Table': {
      const arn = `arn:aws:dynamodb:${r}:${a}:table/${physical}`;
      const stream = inputs.streamEnabled ? { streamArn: `${arn}/stream/2026-01-01T00:00:00.000`, streamLabel: '2026-01-01T00:00:00.000' } : {};
      return { id: physical, state: { ...named, arn, ...stream } };
    }
    case 'aws:s3/bucket:Bucket': {
      const bucket: string = inputs.bucket ?? `${name}-${hash(urn, 7)}`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com` } };
    }
    case 'aws:scheduler/scheduleGroup:ScheduleGroup': return { state: { ...named, arn: `arn:aws:scheduler:${r}:${a}:schedule-group/${physical}` } };
    case 'aws:scheduler/schedule:Schedule': return { state: { ...named, arn: `arn:aws:scheduler:${r}:${a}:schedule/${inputs.groupName ?? 'default'}/${physical}` } };
    case 'aws:apigatewayv2/api:Api': {
      const id = hash(urn, 10);
      return { id, state: { ...named, arn: `arn:aws:apigateway:${r}::/apis/${id}`, apiEndpoint: `https://${id}.execute-api.${r}.amazonaws.com`, executionArn: `arn:aws:execute-api:${r}:${a}:${id}` } };
    }
    case 'aws:cloudwatch/metricAlarm:MetricAlarm': return { state: { ...named, arn: `arn:aws:cloudwatch:${r}:${a}:alarm:${physical}` } };
    default:
      // Attachments (policies, permissions, targets, mappings of config) have no ARN of their own.
      return { state: named };
  }
}
