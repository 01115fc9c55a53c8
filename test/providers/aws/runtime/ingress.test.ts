import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { z } from 'zod';
import { SchemaValidationError, defineEvent, topology, type Logger } from '../../../../contracts';
import { shop } from '../../../../app/topology';
import type { AwsIngressConfig } from '../../../../providers/aws/runtime/config';
import { createIngressHandler } from '../../../../providers/aws/runtime/ingress';
import { RecordingPublisher, changeEvent, signatureHeaders, uploadEvent } from '../../../../runtime';
import { dynamoDbEvent, httpApiEvent, s3ObjectCreated } from '../../../fixtures/aws';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const publishTo = { kind: 'bus', busName: 'shop' } as const;
const payment = { orderId: 'o-1', paymentId: 'p-1', amount: 20, currency: 'EUR' };

describe('providers/aws/runtime/ingress', () => {
  describe('webhook', () => {
    const config: AwsIngressConfig = { kind: 'webhook', name: 'payments', verify: { scheme: 'herald', secretEnv: 'PAYMENTS_WEBHOOK_SECRET' }, emits: 'PaymentReceived.v1', publishTo };
    const env = { PAYMENTS_WEBHOOK_SECRET: 's3cret' };
    const setup = () => {
      const publisher = new RecordingPublisher();
      return { publisher, handle: createIngressHandler(shop, { kind: 'webhook', config, env, publisher, logger: silent }) };
    };
    const signed = (body: string, secret = 's3cret', functionUrl = false) =>
      httpApiEvent({ path: '/webhooks/payments', body, headers: signatureHeaders('herald', body, secret), functionUrl });

    it('verifies, validates, publishes the emitted event and answers 202 with its id', async () => {
      const { publisher, handle } = setup();
      const response = await handle(signed(JSON.stringify(payment))) as { statusCode: number; body: string };
      expect(response.statusCode).to.equal(202);
      expect(publisher.events).to.have.length(1);
      expect(publisher.events[0]).to.deep.include({ type: 'PaymentReceived.v1', source: 'shop.payments', data: payment });
      expect(JSON.parse(response.body)).to.deep.equal({ id: publisher.events[0]!.id });
    });

    it('takes function URL requests and base64 bodies the same way', async () => {
      const { publisher, handle } = setup();
      const body = JSON.stringify(payment);
      const event = { ...signed(body, 's3cret', true), body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
      expect((await handle(event) as { statusCode: number }).statusCode).to.equal(202);
      expect(publisher.events).to.have.length(1);
    });

    const refusals: Array<[string, () => unknown, number, RegExp]> = [
      ['a wrong signature', () => signed(JSON.stringify(payment), 'other'), 401, /signature does not match/],
      ['no signature', () => httpApiEvent({ body: JSON.stringify(payment) }), 401, /missing herald-signature/],
      ['a body that is not JSON', () => signed('{nope'), 400, /not JSON/],
      ['data that does not fit the schema', () => signed(JSON.stringify({ ...payment, currency: 'euro' })), 400, /PaymentReceived\.v1 data is invalid: currency/],
    ];
    for (const [what, event, status, error] of refusals) {
      it(`answers ${status} with an error for ${what}, and publishes nothing`, async () => {
        const { publisher, handle } = setup();
        const response = await handle(event()) as { statusCode: number; body: string; headers: Record<string, string> };
        expect(response.statusCode).to.equal(status);
        expect(response.headers['content-type']).to.equal('application/json');
        expect(JSON.parse(response.body).error).to.match(error);
        expect(publisher.events).to.have.length(0);
      });
    }

    it('answers 401 when the secret is not configured', async () => {
      const handle = createIngressHandler(shop, { config, env: {}, publisher: new RecordingPublisher(), logger: silent });
      const response = await handle(signed(JSON.stringify(payment))) as { statusCode: number; body: string };
      expect([response.statusCode, JSON.parse(response.body).error]).to.deep.equal([401, 'the webhook secret is not configured']);
    });

    it('answers 503 when publishing fails, so the sender retries', async () => {
      const handle = createIngressHandler(shop, { config, env, logger: silent, publisher: { publish: async () => { throw new Error('down'); } } });
      expect((await handle(signed(JSON.stringify(payment))) as { statusCode: number }).statusCode).to.equal(503);
    });

    it('publishes the same event id for a redelivery with the same delivery id', async () => {
      const { publisher, handle } = setup();
      const body = JSON.stringify(payment);
      const event = () => httpApiEvent({ body, headers: { ...signatureHeaders('herald', body, 's3cret'), 'idempotency-key': 'd-1' } });
      await handle(event());
      await handle(event());
      expect(publisher.events[0]!.id).to.equal(publisher.events[1]!.id);
    });

    it('refuses a config of another kind', async () => {
      const handle = createIngressHandler(shop, { kind: 'upload', config, env, publisher: new RecordingPublisher(), logger: silent });
      let error: unknown;
      await handle(signed('{}')).catch((e) => { error = e; });
      expect((error as Error).message).to.match(/for a webhook, but this is the upload bundle/);
    });
  });

  describe('upload', () => {
    const s3 = mockClient(S3Client);
    beforeEach(() => s3.reset());
    const config: AwsIngressConfig = { kind: 'upload', bucket: 'shop-media-1a2b', prefix: 'uploads/', emits: 'ImageUploaded.v1', publishTo };

    it('reads the content type with HeadObject and publishes {bucket, key, size, contentType}', async () => {
      s3.on(HeadObjectCommand).resolves({ ContentType: 'image/PNG' });
      const publisher = new RecordingPublisher();
      const handle = createIngressHandler(shop, { config, publisher, logger: silent, clients: { s3: new S3Client({}) } });
      const result = await handle(s3ObjectCreated('shop-media-1a2b', 'uploads/cat.png', 1024)) as { status: string; id: string };
      expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).to.deep.equal({ Bucket: 'shop-media-1a2b', Key: 'uploads/cat.png' });
      const [e] = publisher.events;
      expect(e).to.deep.include({ type: 'ImageUploaded.v1', contenttype: 'image/png', time: '2021-11-12T00:00:00Z' });
      expect(e!.data).to.deep.equal({ bucket: 'shop-media-1a2b', key: 'uploads/cat.png', size: 1024, contentType: 'image/PNG' });
      expect(result).to.deep.equal({ status: 'ok', id: e!.id });
    });

    it('builds the event by the shared rule: subject = the object key, id derived from the notification id (a redelivery dedupes)', async () => {
      s3.on(HeadObjectCommand).resolves({ ContentType: 'image/png' });
      const publisher = new RecordingPublisher();
      const handle = createIngressHandler(shop, { config, publisher, logger: silent, clients: { s3: new S3Client({}) } });
      const notification = s3ObjectCreated('shop-media-1a2b', 'uploads/cat.png', 1024);
      await handle(notification);
      await handle(notification);
      const [first, again] = publisher.events;
      expect(first!.subject).to.equal('uploads/cat.png');
      expect(again!.id).to.equal(first!.id);
      const ImageUploaded = shop.events.find((e) => e.wireType === 'ImageUploaded.v1')!;
      expect(first!.id).to.equal(uploadEvent(ImageUploaded, first!.data as never, { id: notification.id }).id);
    });

    it('throws for an upload whose event does not fit the schema, so the invocation fails into its failure destination', async () => {
      s3.on(HeadObjectCommand).resolves({ ContentType: 'image/png' });
      const Strict = defineEvent({ type: 'StrictUpload', version: 1, source: 'shop.media', schema: z.object({ key: z.string().endsWith('.jpg') }) });
      const app = topology('media').event(Strict).build();
      const publisher = new RecordingPublisher();
      const handle = createIngressHandler(app, { config: { ...config, emits: 'StrictUpload.v1' }, publisher, logger: silent, clients: { s3: new S3Client({}) } });
      let error: unknown;
      await (handle(s3ObjectCreated('shop-media-1a2b', 'uploads/cat.png')) as Promise<unknown>).catch((e: unknown) => { error = e; });
      expect(error).to.be.instanceOf(SchemaValidationError);
      expect((error as Error).message).to.match(/^StrictUpload\.v1 data is invalid: key: /);
      expect(publisher.events).to.have.length(0);
    });

    it('ignores objects outside the prefix and objects already gone', async () => {
      s3.on(HeadObjectCommand).rejects(Object.assign(new Error('not found'), { name: 'NotFound' }));
      const publisher = new RecordingPublisher();
      const handle = createIngressHandler(shop, { config, publisher, logger: silent, clients: { s3: new S3Client({}) } });
      expect(await handle(s3ObjectCreated('shop-media-1a2b', 'other/cat.png'))).to.deep.equal({ status: 'ignored' });
      expect(await handle(s3ObjectCreated('shop-media-1a2b', 'uploads/gone.png'))).to.deep.equal({ status: 'gone' });
      expect(publisher.events).to.have.length(0);
    });
  });

  describe('change', () => {
    const RowChanged = defineEvent({
      type: 'RowChanged', version: 1, source: 'shop.db',
      schema: z.object({ table: z.string(), op: z.enum(['insert', 'modify', 'remove']), keys: z.record(z.string(), z.unknown()), newImage: z.record(z.string(), z.unknown()).optional(), oldImage: z.record(z.string(), z.unknown()).optional() }),
    });
    const Strict = defineEvent({ type: 'StrictRow', version: 1, source: 'shop.db', schema: z.object({ op: z.literal('insert') }) });
    const app = topology('db').event(RowChanged, Strict).build();
    const config = (emits: string): AwsIngressConfig => ({ kind: 'change', table: 'orders', emits, publishTo });

    it('publishes one event per row change, in order, with ids stable across retries', async () => {
      const publisher = new RecordingPublisher();
      const handle = createIngressHandler(app, { config: config('RowChanged.v1'), publisher, logger: silent });
      expect(await handle(dynamoDbEvent())).to.deep.equal({ batchItemFailures: [] });
      await handle(dynamoDbEvent());
      expect(publisher.events.map((e) => (e.data as { op: string }).op)).to.deep.equal(['insert', 'modify', 'remove', 'insert', 'modify', 'remove']);
      expect(publisher.events[0]!.data).to.deep.equal({ table: 'orders', op: 'insert', keys: { Id: 101 }, newImage: { Message: 'New item!', Id: 101 } });
      expect(publisher.events.slice(0, 3).map((e) => e.id)).to.deep.equal(publisher.events.slice(3).map((e) => e.id));
    });

    it('builds each event by the shared rule: subject = the key values in the configured key order, id from the stream record id', async () => {
      const publisher = new RecordingPublisher();
      const keyed: AwsIngressConfig = { kind: 'change', table: 'orders', keyNames: ['Id'], emits: 'RowChanged.v1', publishTo };
      const handle = createIngressHandler(app, { config: keyed, publisher, logger: silent });
      const stream = dynamoDbEvent();
      await handle(stream);
      expect(publisher.events.map((e) => e.subject)).to.deep.equal(['101', '101', '101']);
      const first = publisher.events[0]!;
      expect(first.id).to.equal(changeEvent(RowChanged, first.data as never, { id: stream.Records[0]!.eventID! }).id);
    });

    it('fails the first record that is not a valid event and every later one, and publishes the ones before', async () => {
      const publisher = new RecordingPublisher();
      const handle = createIngressHandler(app, { config: config('StrictRow.v1'), publisher, logger: silent });
      expect(await handle(dynamoDbEvent())).to.deep.equal({ batchItemFailures: [{ itemIdentifier: '4421584500000000017450439092' }, { itemIdentifier: '4421584500000000017450439093' }] });
      expect(publisher.events).to.have.length(1);
    });

    it('fails the whole batch when publishing fails', async () => {
      const handle = createIngressHandler(app, { config: config('RowChanged.v1'), logger: silent, publisher: { publish: async () => { throw new Error('down'); } } });
      expect((await handle(dynamoDbEvent()) as { batchItemFailures: unknown[] }).batchItemFailures).to.have.length(3);
    });
  });
});
