import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import type { Envelope } from '../../../../contracts';
import {
  EventBridgePublisher, KinesisPublisher, SnsPublisher, SqsPublisher, publisherFor,
} from '../../../../providers/aws/runtime/publisher';
import { chunk } from '../../../../providers/aws/runtime/send';
import { PublishError } from '../../../../runtime/publisher';
import { envelope } from '../../../fixtures/aws';

const noWait = { sleep: async () => undefined, random: () => 0 };
const events = (n: number, extra: Partial<Envelope> = {}): Envelope[] =>
  Array.from({ length: n }, (_, i) => envelope({ id: `id-${i}`, type: 'ImageUploaded.v1', source: 'shop.media', data: { i }, ...extra }));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('providers/aws/runtime/publisher', () => {
  describe('EventBridgePublisher', () => {
    const eb = mockClient(EventBridgeClient);
    beforeEach(() => eb.reset());

    it('puts events in chunks of 10 with Source, DetailType = wire type and the whole CloudEvent as Detail', async () => {
      eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
      const list = events(23);
      await new EventBridgePublisher('shop', new EventBridgeClient({}), noWait).publish(list);
      const calls = eb.commandCalls(PutEventsCommand);
      expect(calls.map((c) => c.args[0].input.Entries!.length)).to.deep.equal([10, 10, 3]);
      const first = calls[0]!.args[0].input.Entries![0]!;
      expect(first).to.deep.equal({ Source: 'shop.media', DetailType: 'ImageUploaded.v1', Detail: JSON.stringify(list[0]), EventBusName: 'shop' });
    });

    it('keeps each request within 256 KB', async () => {
      eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
      const big = events(5, { data: { blob: 'x'.repeat(100_000) } });
      await new EventBridgePublisher('shop', new EventBridgeClient({}), noWait).publish(big);
      expect(eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).to.deep.equal([2, 2, 1]);
    });

    it('retries only the entries that failed, until they pass', async () => {
      eb.on(PutEventsCommand)
        .resolvesOnce({ FailedEntryCount: 2, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'x' }, { EventId: 'c' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }, { EventId: 'd' }] });
      const list = events(4);
      await new EventBridgePublisher('shop', new EventBridgeClient({}), noWait).publish(list);
      const calls = eb.commandCalls(PutEventsCommand);
      expect(calls).to.have.length(2);
      expect(calls[1]!.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).id)).to.deep.equal(['id-1', 'id-3']);
    });

    it('gives up after the attempts and names every failed event and its error', async () => {
      // id-1 always fails, whatever else is in the request.
      eb.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => {
        const Entries = input.Entries.map((e) => (JSON.parse(e.Detail).id === 'id-1' ? { ErrorCode: 'InternalFailure', ErrorMessage: 'boom' } : { EventId: 'ok' }));
        return { FailedEntryCount: Entries.filter((e) => 'ErrorCode' in e).length, Entries };
      });
      const error = await rejection(new EventBridgePublisher('shop', new EventBridgeClient({}), { ...noWait, attempts: 3 }).publish(events(2)));
      expect(error).to.be.instanceOf(PublishError);
      expect(error.message).to.equal('1 event(s) not published to event bus shop: id-1 (InternalFailure: boom)');
      expect(eb.commandCalls(PutEventsCommand)).to.have.length(3);
    });

    it('does not retry an entry EventBridge refuses as malformed', async () => {
      eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' }] });
      const error = await rejection(new EventBridgePublisher('shop', new EventBridgeClient({}), noWait).publish(events(1)));
      expect((error as PublishError).failures).to.deep.equal([{ id: 'id-0', code: 'MalformedDetail', message: 'bad' }]);
      expect(eb.commandCalls(PutEventsCommand)).to.have.length(1);
    });

    it('reports a call that throws as a failure of its events, with the cause', async () => {
      eb.on(PutEventsCommand).rejects(new Error('network down'));
      const error = await rejection(new EventBridgePublisher('shop', new EventBridgeClient({}), noWait).publish(events(2)));
      expect(error).to.be.instanceOf(PublishError);
      expect(error.message).to.match(/id-0 \(Error: network down\); id-1/);
      expect((error.cause as Error).message).to.equal('network down');
    });

    it('creates its client only when it first publishes', async () => {
      eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
      let created = 0;
      const publisher = new EventBridgePublisher('shop', () => { created++; return new EventBridgeClient({}); }, noWait);
      expect(created).to.equal(0);
      await publisher.publish(events(1));
      await publisher.publish(events(1));
      expect(created).to.equal(1);
    });
  });

  describe('SnsPublisher', () => {
    const sns = mockClient(SNSClient);
    beforeEach(() => sns.reset());

    it('publishes batches of 10 with ce_type, ce_source, ce_subject and extensions as String attributes', async () => {
      sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
      const list = events(12, { subject: 'eu/1', contenttype: 'image/png', correlationid: 'c-1' });
      await new SnsPublisher('arn:aws:sns:us-east-1:1:t', new SNSClient({}), noWait).publish(list);
      const calls = sns.commandCalls(PublishBatchCommand);
      expect(calls.map((c) => c.args[0].input.PublishBatchRequestEntries!.length)).to.deep.equal([10, 2]);
      const entry = calls[0]!.args[0].input.PublishBatchRequestEntries![0]!;
      expect(JSON.parse(entry.Message!)).to.deep.equal(list[0]);
      expect(entry.MessageAttributes).to.deep.equal({
        ce_type: { DataType: 'String', StringValue: 'ImageUploaded.v1' },
        ce_source: { DataType: 'String', StringValue: 'shop.media' },
        ce_subject: { DataType: 'String', StringValue: 'eu/1' },
        contenttype: { DataType: 'String', StringValue: 'image/png' },
      });
    });

    it('retries failed entries unless SNS says the sender is at fault', async () => {
      sns.on(PublishBatchCommand)
        .resolvesOnce({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }, { Id: '1', Code: 'InvalidParameter', Message: 'no', SenderFault: true }] })
        .resolves({ Failed: [] });
      const error = await rejection(new SnsPublisher('arn:t', new SNSClient({}), noWait).publish(events(2)));
      expect((error as PublishError).failures).to.deep.equal([{ id: 'id-1', code: 'InvalidParameter', message: 'no' }]);
      expect(sns.commandCalls(PublishBatchCommand)[1]!.args[0].input.PublishBatchRequestEntries!.map((e) => JSON.parse(e.Message!).id)).to.deep.equal(['id-0']);
    });
  });

  describe('SqsPublisher', () => {
    const sqs = mockClient(SQSClient);
    beforeEach(() => sqs.reset());

    it('sends batches of 10, with the message group from the ordering key on a FIFO queue', async () => {
      sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const list = events(11, { data: { orderId: 'o-7' } });
      await new SqsPublisher('https://sqs/1/q.fifo', new SQSClient({}), { orderBy: 'data.orderId', retry: noWait }).publish(list);
      const calls = sqs.commandCalls(SendMessageBatchCommand);
      expect(calls.map((c) => c.args[0].input.Entries!.length)).to.deep.equal([10, 1]);
      expect(calls[0]!.args[0].input.Entries![3]).to.deep.equal({ Id: '3', MessageBody: JSON.stringify(list[3]), MessageGroupId: 'o-7', MessageDeduplicationId: 'id-3' });
    });

    it('makes an event without the ordering key its own message group (the order-key rule)', async () => {
      sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      await new SqsPublisher('https://sqs/1/q.fifo', new SQSClient({}), { orderBy: 'data.orderId', retry: noWait }).publish(events(2));
      expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!.map((e) => e.MessageGroupId)).to.deep.equal(['id-0', 'id-1']);
    });

    it('retries a failed entry', async () => {
      sqs.on(SendMessageBatchCommand).resolvesOnce({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] }).resolves({ Failed: [] });
      await new SqsPublisher('https://sqs/1/q', new SQSClient({}), { retry: noWait }).publish(events(2));
      expect(sqs.commandCalls(SendMessageBatchCommand)[1]!.args[0].input.Entries!.map((e) => e.Id)).to.deep.equal(['0']);
    });
  });

  describe('KinesisPublisher', () => {
    const kinesis = mockClient(KinesisClient);
    beforeEach(() => kinesis.reset());

    it('puts records keyed by the ordering key and retries the failed ones', async () => {
      kinesis.on(PutRecordsCommand)
        .resolvesOnce({ FailedRecordCount: 1, Records: [{ SequenceNumber: '1' }, { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow' }] })
        .resolves({ FailedRecordCount: 0, Records: [{ SequenceNumber: '2' }] });
      const list = events(2, { data: { orderId: 'o-1' } });
      await new KinesisPublisher('audit', new KinesisClient({}), { key: 'data.orderId', retry: noWait }).publish(list);
      const calls = kinesis.commandCalls(PutRecordsCommand);
      expect(calls[0]!.args[0].input.Records!.map((r) => r.PartitionKey)).to.deep.equal(['o-1', 'o-1']);
      expect(JSON.parse(Buffer.from(calls[1]!.args[0].input.Records![0]!.Data!).toString())).to.deep.equal(list[1]);
    });

    it('keys by the subject by default, and an event without one by its id', async () => {
      kinesis.on(PutRecordsCommand).resolves({ FailedRecordCount: 0, Records: [] });
      await new KinesisPublisher('audit', new KinesisClient({}), { retry: noWait }).publish([...events(1, { subject: 'eu/1' }), ...events(1)]);
      expect(kinesis.commandCalls(PutRecordsCommand)[0]!.args[0].input.Records!.map((r) => r.PartitionKey)).to.deep.equal(['eu/1', 'id-0']);
    });
  });

  describe('publisherFor', () => {
    it('refuses to publish when the function has no target, and accepts publishing nothing', async () => {
      const p = publisherFor(undefined);
      await p.publish([]);
      expect((await rejection(p.publish(events(1)))).message).to.match(/no publish target.*ImageUploaded\.v1/);
    });
  });

  describe('chunk', () => {
    it('cuts by count and by size, and sends an oversize item alone', () => {
      expect(chunk([1, 2, 3, 4, 5], 2, 100, () => 1)).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(chunk([10, 95, 10, 10], 10, 100, (n) => n)).to.deep.equal([[10], [95], [10, 10]]);
    });
  });
});
