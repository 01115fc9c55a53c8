/** The fakes `herald invoke` runs AWS code over: every call printed, answered as a success, nothing sent. */
import { expect } from 'chai';
import type { Envelope } from '../../../contracts';
import { recordedLine, recordingClients, type RecordedCall } from '../../../providers/aws/recording-clients';
import { S3ClaimCheckStore } from '../../../providers/aws/runtime/claim-check';
import { deadLetterSender } from '../../../providers/aws/runtime/dead-letter';
import { DynamoDbIdempotencyStore } from '../../../providers/aws/runtime/idempotency';
import { EventBridgePublisher, KinesisPublisher, SnsPublisher, SqsPublisher } from '../../../providers/aws/runtime/publisher';
import { sdk } from '../../../providers/aws/runtime/sdk';
import { visibilityChanger } from '../../../providers/aws/runtime/visibility';
import { envelope } from '../../fixtures/aws';

const events: Envelope[] = [envelope({ id: 'e-1', type: 'OrderPlaced.v2', data: { orderId: 'o-1' } }), envelope({ id: 'e-2', type: 'OrderPlaced.v2', data: { orderId: 'o-2' } })];

function recorded() {
  const calls: RecordedCall[] = [];
  return { calls, clients: recordingClients((c) => void calls.push(c)) };
}

describe('providers/aws/recording-clients', () => {
  it('answers every publisher as a full success, recording each batch call', async () => {
    const { calls, clients } = recorded();
    await new EventBridgePublisher('shop', clients.eventBridge).publish(events);
    await new SnsPublisher('arn:aws:sns:us-east-1:000000000000:t', clients.sns).publish(events);
    await new SqsPublisher('https://sqs.us-east-1.amazonaws.com/000000000000/q', clients.sqs).publish(events);
    await new KinesisPublisher('s', clients.kinesis).publish(events);
    expect(calls.map((c) => `${c.sdk}.${c.command}`)).to.deep.equal(['eventBridge.PutEvents', 'sns.PublishBatch', 'sqs.SendMessageBatch', 'kinesis.PutRecords']);
    expect(calls[0]!.input.Entries.map((e: { Detail: string }) => JSON.parse(e.Detail).id)).to.deep.equal(['e-1', 'e-2']);
  });

  it('records the settlement calls: a visibility change and a dead letter', async () => {
    const { calls, clients } = recorded();
    await visibilityChanger(clients.sqs)('https://sqs/q', 'rh-1', 3);
    await deadLetterSender(clients.sqs)('https://sqs/q-dlq', { itemId: 'm-1', payload: {}, attempt: 1, rawBody: 'body' }, 'Error: x', 'fn');
    expect(calls.map((c) => [c.command, c.input.QueueUrl])).to.deep.equal([['ChangeMessageVisibility', 'https://sqs/q'], ['SendMessage', 'https://sqs/q-dlq']]);
    expect(calls[0]!.input).to.deep.include({ ReceiptHandle: 'rh-1', VisibilityTimeout: 3 });
    expect(calls[1]!.input.MessageBody).to.equal('body');
  });

  it('claims every key as new, stores claim checks, and says what an object is from its key', async () => {
    const { calls, clients } = recorded();
    expect(await new DynamoDbIdempotencyStore({ table: 'ids', client: clients.dynamodb }).begin({ scope: 'f', source: 's', id: 'e-1' }, 60)).to.deep.equal({ state: 'claimed', attempt: 1 });
    const ref = await new S3ClaimCheckStore('cc', clients.s3).put('e-1', '{}');
    expect(ref).to.match(/^s3:\/\/cc\/claim-check\/e-1\//);
    const s3 = await clients.s3 as unknown as { send(c: unknown): Promise<{ ContentType?: string }> };
    expect((await s3.send(new (sdk.s3().HeadObjectCommand)({ Bucket: 'b', Key: 'uploads/cat.PNG' }))).ContentType).to.equal('image/png');
    let error: Error | undefined;
    await new S3ClaimCheckStore('cc', clients.s3).get(ref).catch((e: Error) => { error = e; });
    expect(error?.name).to.equal('NoSuchKey');
    expect(calls.map((c) => `${c.sdk}.${c.command}`)).to.deep.equal(['dynamodb.UpdateItem', 's3.PutObject', 's3.HeadObject', 's3.GetObject']);
  });

  it('prints a call as one JSON line, binary payloads as text', () => {
    const line = recordedLine({ sdk: 'kinesis', command: 'PutRecords', input: { Records: [{ Data: Buffer.from('{"a":1}'), Raw: new Uint8Array([104, 105]) }] } });
    expect(JSON.parse(line)).to.deep.equal({ sdk: 'kinesis', command: 'PutRecords', input: { Records: [{ Data: '{"a":1}', Raw: 'hi' }] } });
    expect(line).to.not.include('\n');
  });
});
