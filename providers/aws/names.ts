/**
 * Physical-name rules of the AWS resources Herald names, as data with the doc each comes from, and the
 * one function that fits a logical name into them. Herald lets Pulumi auto-name resources (a random
 * suffix, so replacements never collide); the Pulumi name it passes must leave room for that suffix.
 */
import { fitName, type NameRule } from '../names';

export type { NameRule };

/** Pulumi auto-naming appends `-` and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;
/** SQS FIFO queue names end with `.fifo`, inside the length limit. */
export const FIFO_SUFFIX = '.fifo';

export const NAME_RULES = {
  sqsQueue: { maxLength: 80, pattern: /^[A-Za-z0-9_-]+$/, doc: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html' },
  snsTopic: { maxLength: 256, pattern: /^[A-Za-z0-9_-]+$/, doc: 'https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html' },
  eventBus: { maxLength: 256, pattern: /^[/.\-_A-Za-z0-9]+$/, doc: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html' },
  eventRule: { maxLength: 64, pattern: /^[.\-_A-Za-z0-9]+$/, doc: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html' },
  lambdaFunction: { maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, doc: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' },
  iamRole: { maxLength: 64, pattern: /^[\w+=,.@-]+$/, doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' },
  iamPolicy: { maxLength: 128, pattern: /^[\w+=,.@-]+$/, doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html' },
  logGroup: { maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, doc: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' },
  kinesisStream: { maxLength: 128, pattern: /^[A-Za-z0-9_.-]+$/, doc: 'https://docs.aws.amazon.com/kinesis/latest/APIReference/API_CreateStream.html' },
  dynamodbTable: { maxLength: 255, pattern: /^[A-Za-z0-9_.-]{3,}$/, doc: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html' },
  s3Bucket: { maxLength: 63, pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html' },
  schedule: { maxLength: 64, pattern: /^[0-9A-Za-z_.-]+$/, doc: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html' },
  scheduleGroup: { maxLength: 64, pattern: /^[0-9A-Za-z_.-]+$/, doc: 'https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateScheduleGroup.html' },
  httpApi: { maxLength: 128, pattern: /^[\w .-]+$/, doc: 'https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html' },
  metricAlarm: { maxLength: 255, pattern: /^[\x20-\x7e]+$/, doc: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html' },
} as const satisfies Record<string, NameRule>;

export type NamedResource = keyof typeof NAME_RULES;

/**
 * The Pulumi name for a resource whose physical name Pulumi derives from it (auto-naming): `base` when
 * it fits with the random suffix (and `.fifo`), else a prefix of it plus a hash of the whole, so two
 * long names never collide.
 * @throws RangeError when `base` has a character the resource's name rule forbids.
 */
export function resourceName(rule: NamedResource, base: string, options: { fifo?: boolean } = {}): string {
  return fitName(rule, NAME_RULES[rule], base, AUTONAME_SUFFIX_LENGTH + (options.fifo ? FIFO_SUFFIX.length : 0));
}

/**
 * An explicit physical name (for resources Herald names itself, such as log groups).
 * @throws RangeError when it breaks the rule.
 */
export function physicalName(rule: NamedResource, name: string): string {
  const { maxLength, pattern, doc } = NAME_RULES[rule];
  if (name.length > maxLength || !pattern.test(name)) throw new RangeError(`"${name}" is not a valid ${rule} name (≤ ${maxLength}, ${pattern}); see ${doc}`);
  return name;
}
