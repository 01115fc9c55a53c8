/**
 * `Publisher` over the AWS SDK v3, one per transport, each with its client injected (or created on first
 * use, so a cold start that publishes nothing never loads the SDK):
 * - EventBridge PutEvents: chunks of 10 entries within 256 KB;
 * - SNS PublishBatch: chunks of 10, the envelope's filterable attributes as message attributes;
 * - SQS SendMessageBatch: chunks of 10 (FIFO: group id from the ordering key, dedup id = event id);
 * - Kinesis PutRecords: chunks of 500 within 5 MB, partition key from the ordering key.
 * Entries the service reports as failed are retried with backoff; the rest throw a `PublishError`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 * @see https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 * @see https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Envelope } from '../../../contracts';
import { noPublishTarget, type Publisher } from '../../../runtime/publisher';
import type { AwsPublishTarget } from './config';
import { memo, type Lazy } from '../../../runtime/lazy';
import { chunk, sendAll, type EntryFailure, type RetryOptions } from './send';
import { orderKeyOf } from '../../../runtime/order-key';
import { promotedAttributes } from './wire';
import { sdk, type AwsClients } from './sdk';

const KB256 = 256 * 1024;
const text = (e: Envelope) => JSON.stringify(e);
const bytes = (s: string) => Buffer.byteLength(s);

// Codes that no retry fixes: the request itself is wrong, or not allowed.
const PERMANENT = /Malformed|InvalidArgument|Validation|AccessDenied|NotAuthorized|NotFound/i;

/** EventBridge PutEvents to one bus. */
export class EventBridgePublisher implements Publisher {
  private readonly client: () => Promise<EventBridgeClient>;

  constructor(private readonly busName: string, client: Lazy<EventBridgeClient>, private readonly retry: RetryOptions = {}) {
    this.client = memo(client);
  }

  async publish(events: readonly Envelope[]): Promise<void> {
    const { PutEventsCommand } = sdk.eventBridge();
    const client = await this.client();
    const entries = events.map((e) => ({ id: e.id, Source: e.source, DetailType: e.type, Detail: text(e), EventBusName: this.busName }));
    // Entry size as EventBridge counts it: Time (14 bytes) + Source + DetailType + Detail.
    const size = (x: (typeof entries)[number]) => 14 + bytes(x.Source) + bytes(x.DetailType) + bytes(x.Detail);
    await sendAll(`event bus ${this.busName}`, entries, (x) => x.id, (xs) => chunk(xs, 10, KB256, size), async (part) => {
      const out = await client.send(new PutEventsCommand({ Entries: part.map(({ id: _, ...entry }) => entry) }));
      if (!out.FailedEntryCount) return [];
      const failures: EntryFailure[] = [];
      (out.Entries ?? []).forEach((r, index) => {
        if (r.ErrorCode) failures.push({ index, code: r.ErrorCode, message: r.ErrorMessage ?? '', retryable: !PERMANENT.test(r.ErrorCode) });
      });
      return failures;
    }, this.retry);
  }
}

/** SNS PublishBatch to one topic (subscriptions use raw message delivery). */
export class SnsPublisher implements Publisher {
  private readonly client: () => Promise<SNSClient>;

  constructor(private readonly topicArn: string, client: Lazy<SNSClient>, private readonly retry: RetryOptions = {}) {
    this.client = memo(client);
  }

  async publish(events: readonly Envelope[]): Promise<void> {
    const { PublishBatchCommand } = sdk.sns();
    const client = await this.client();
    const entries = events.map((e) => ({
      id: e.id, Message: text(e),
      MessageAttributes: Object.fromEntries(Object.entries(promotedAttributes(e)).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
    }));
    const size = (x: (typeof entries)[number]) => bytes(x.Message) + Object.entries(x.MessageAttributes).reduce((n, [k, v]) => n + bytes(k) + 6 + bytes(v.StringValue), 0);
    await sendAll(`topic ${this.topicArn}`, entries, (x) => x.id, (xs) => chunk(xs, 10, KB256, size), async (part) => {
      const out = await client.send(new PublishBatchCommand({
        TopicArn: this.topicArn,
        PublishBatchRequestEntries: part.map((x, i) => ({ Id: String(i), Message: x.Message, MessageAttributes: x.MessageAttributes })),
      }));
      return (out.Failed ?? []).map((f) => ({ index: Number(f.Id), code: f.Code ?? 'Failed', message: f.Message ?? '', retryable: !f.SenderFault }));
    }, this.retry);
  }
}

export interface SqsPublisherOptions {
  /** FIFO queues: the ordering key (an envelope attribute or `data.<path>`) giving the message group (runtime/order-key.ts: an event without one is its own group). */
  readonly orderBy?: string;
  readonly retry?: RetryOptions;
}

/** SQS SendMessageBatch to one queue. */
export class SqsPublisher implements Publisher {
  private readonly client: () => Promise<SQSClient>;

  constructor(private readonly queueUrl: string, client: Lazy<SQSClient>, private readonly options: SqsPublisherOptions = {}) {
    this.client = memo(client);
  }

  async publish(events: readonly Envelope[]): Promise<void> {
    const { SendMessageBatchCommand } = sdk.sqs();
    const client = await this.client();
    const fifo = this.queueUrl.endsWith('.fifo');
    const entries = events.map((e) => ({
      id: e.id, MessageBody: text(e),
      ...(fifo ? { MessageGroupId: orderKeyOf(e, this.options.orderBy), MessageDeduplicationId: e.id.slice(0, 128) } : {}),
    }));
    await sendAll(`queue ${this.queueUrl}`, entries, (x) => x.id, (xs) => chunk(xs, 10, KB256, (x) => bytes(x.MessageBody)), async (part) => {
      const out = await client.send(new SendMessageBatchCommand({
        QueueUrl: this.queueUrl, Entries: part.map(({ id: _, ...x }, i) => ({ Id: String(i), ...x })),
      }));
      return (out.Failed ?? []).map((f) => ({ index: Number(f.Id), code: f.Code ?? 'Failed', message: f.Message ?? '', retryable: !f.SenderFault }));
    }, this.options.retry);
  }
}

export interface KinesisPublisherOptions {
  /** The partition key: an envelope attribute or `data.<path>`, read by runtime/order-key.ts (an event without it is keyed by its id). @default 'subject' */
  readonly key?: string;
  readonly retry?: RetryOptions;
}

/** Kinesis PutRecords to one stream. */
export class KinesisPublisher implements Publisher {
  private readonly client: () => Promise<KinesisClient>;

  constructor(private readonly streamName: string, client: Lazy<KinesisClient>, private readonly options: KinesisPublisherOptions = {}) {
    this.client = memo(client);
  }

  async publish(events: readonly Envelope[]): Promise<void> {
    const { PutRecordsCommand } = sdk.kinesis();
    const client = await this.client();
    const records = events.map((e) => ({
      id: e.id, Data: Buffer.from(text(e)),
      PartitionKey: orderKeyOf(e, this.options.key ?? 'subject').slice(0, 256),
    }));
    const size = (r: (typeof records)[number]) => r.Data.byteLength + bytes(r.PartitionKey);
    await sendAll(`stream ${this.streamName}`, records, (r) => r.id, (xs) => chunk(xs, 500, 5 * 1024 * 1024, size), async (part) => {
      const out = await client.send(new PutRecordsCommand({ StreamName: this.streamName, Records: part.map(({ id: _, ...r }) => r) }));
      if (!out.FailedRecordCount) return [];
      const failures: EntryFailure[] = [];
      (out.Records ?? []).forEach((r, index) => {
        if (r.ErrorCode) failures.push({ index, code: r.ErrorCode, message: r.ErrorMessage ?? '', retryable: true });
      });
      return failures;
    }, this.options.retry);
  }
}

/** The publisher of a config's publish target; one that refuses when the function publishes nowhere. */
export function publisherFor(target: AwsPublishTarget | undefined, clients: AwsClients = {}, retry?: RetryOptions): Publisher {
  if (target?.kind === 'bus') {
    return new EventBridgePublisher(target.busName, clients.eventBridge ?? (() => new (sdk.eventBridge().EventBridgeClient)({})), retry);
  }
  if (target?.kind === 'topic') {
    return new SnsPublisher(target.topicArn, clients.sns ?? (() => new (sdk.sns().SNSClient)({})), retry);
  }
  return noPublishTarget;
}
