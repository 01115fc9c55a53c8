/**
 * table → a DynamoDB table (on demand, point-in-time recovery) and, with a change trigger: its stream
 * (new and old images), an ingress function that maps each row change to the declared event, and the
 * event source mapping with the same stream safety settings as a Kinesis consumer (bisect on error,
 * bounded retries and record age, an on-failure destination, partial batch failure): with the defaults,
 * one poison record blocks its shard for the stream's 24 hours.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
import * as pulumi from '@pulumi/pulumi';
import * as dynamodb from '@pulumi/aws/dynamodb';
import * as lambda from '@pulumi/aws/lambda';
import type * as sqs from '@pulumi/aws/sqs';
import { DEFAULTS, toSeconds, type TableSpec } from '../../contracts';
import { deadLetterAlarm } from './alarm';
import type { LambdaParts } from './function';
import { ACTIONS } from './iam';
import { createIngress, type IngressArgs } from './ingress';
import { changeTriggerConfig } from './function-config';
import { resourceName } from './names';
import { deadLetterQueue } from './queue';
import type { Tags } from './tags';

/** The change trigger's mapping settings: the stream defaults of the contract. */
export const CHANGE_MAPPING = {
  batchSize: DEFAULTS.stream.batch.size,
  maximumRetryAttempts: DEFAULTS.stream.maxAttempts - 1,
  maximumRecordAgeInSeconds: toSeconds(DEFAULTS.stream.maxEventAge),
} as const;

export interface AwsTableArgs {
  readonly spec: TableSpec;
  readonly tags: Tags;
  /** The ingress settings of the change trigger; absent without `onChange`. */
  readonly ingress?: Omit<IngressArgs, 'kind' | 'config' | 'grants'>;
}

/** `herald:aws:Table`: a table and its change trigger. Keys are strings. */
export class AwsTable extends pulumi.ComponentResource {
  readonly table: dynamodb.Table;
  readonly ingress?: LambdaParts;
  readonly failureQueue?: sqs.Queue;
  readonly mapping?: lambda.EventSourceMapping;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AwsTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:aws:Table', name, {}, opts);
    const { spec } = args;
    const change = spec.onChange && args.ingress ? spec.onChange : undefined;
    this.table = new dynamodb.Table(resourceName('dynamodbTable', name), {
      billingMode: 'PAY_PER_REQUEST',
      hashKey: spec.partitionKey,
      ...(spec.sortKey ? { rangeKey: spec.sortKey } : {}),
      attributes: [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])].map((n) => ({ name: n, type: 'S' })),
      pointInTimeRecovery: { enabled: true },
      ...(change ? { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' } : {}),
      tags: args.tags,
      ...spec.overrides?.aws,
    }, { parent: this });
    if (change && args.ingress) {
      this.failureQueue = deadLetterQueue(`${name}-change-failures`, args.tags, this);
      deadLetterAlarm(`${name}-change`, this.failureQueue, args.tags, this);
      this.ingress = createIngress(`${name}-change`, {
        ...args.ingress,
        kind: 'change',
        config: changeTriggerConfig({ ...spec, onChange: change }, this.table.name),
        grants: [
          { sid: 'ReadStream', actions: ACTIONS.dynamodbStreamConsume, resources: [pulumi.interpolate`${this.table.arn}/stream/*`] },
          { sid: 'FailureDestination', actions: ACTIONS.sqsSend, resources: [this.failureQueue.arn] },
        ],
      }, this);
      this.mapping = new lambda.EventSourceMapping(`${name}-change-mapping`, {
        eventSourceArn: this.table.streamArn,
        functionName: this.ingress.function.arn,
        startingPosition: 'TRIM_HORIZON',
        batchSize: CHANGE_MAPPING.batchSize,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: CHANGE_MAPPING.maximumRetryAttempts,
        maximumRecordAgeInSeconds: CHANGE_MAPPING.maximumRecordAgeInSeconds,
        destinationConfig: { onFailure: { destinationArn: this.failureQueue.arn } },
        functionResponseTypes: ['ReportBatchItemFailures'],
        tags: args.tags,
      }, { parent: this, dependsOn: [this.ingress.policy] });
    }
    this.outputs = { name: this.table.name, arn: this.table.arn, ...(change ? { streamArn: this.table.streamArn } : {}) };
    this.registerOutputs(this.outputs);
  }
}
