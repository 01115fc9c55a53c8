/**
 * Herald's ingress functions on Azure, fed what the host hands them: the docs' BlobCreated CloudEvent, a
 * change feed batch, a timer, an HTTP request. What they publish is recorded; failures show how the
 * platform is told to deliver again.
 */
import { expect } from 'chai';
import { shop } from '../../../../app/topology';
import type { Envelope, Logger } from '../../../../contracts';
import { ingressConfig } from '../../../../providers/azure/function-config';
import { offlineCosmos, offlineIngressResources } from '../../../../providers/azure/offline';
import { recordingClients } from '../../../../providers/azure/recording-clients';
import type { AzureIngressConfig } from '../../../../providers/azure/runtime/config';
import type { DeadLetterWriter } from '../../../../providers/azure/runtime/dead-letter';
import { CHANGE_FEED_RETRY, SCHEDULE_RETRY, createAzureIngress, scheduledRun, type IngressAnswer } from '../../../../providers/azure/runtime/ingress';
import { signatureHeaders } from '../../../../runtime/signature';
import { RecordingPublisher, type Publisher } from '../../../../runtime/publisher';
import { blobCreated } from './fixtures';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const bucket = shop.buckets[0]!;
const table = shop.tables[0]!;
const webhook = shop.webhooks[0]!;
const schedule = shop.schedules[0]!;
const configs = {
  upload: () => ingressConfig({ kind: 'upload', spec: bucket, trigger: bucket.onUpload!, container: 'media' }, offlineIngressResources(shop, bucket.onUpload!.to)),
  change: () => ingressConfig({ kind: 'change', spec: table, trigger: table.onChange!, cosmos: offlineCosmos(shop, table.name) }, offlineIngressResources(shop, table.onChange!.to)),
  webhook: () => ingressConfig({ kind: 'webhook', spec: webhook }, offlineIngressResources(shop, webhook.to)),
  schedule: () => ingressConfig({ kind: 'schedule', spec: schedule }, offlineIngressResources(shop, schedule.to)),
};

function ingress(config: AzureIngressConfig, over: { publisher?: Publisher; deadLetter?: DeadLetterWriter; now?: () => number; env?: NodeJS.ProcessEnv } = {}) {
  const publisher = new RecordingPublisher();
  const built = createAzureIngress(shop, { config, publisher: over.publisher ?? publisher, logger: quiet, clients: recordingClients(() => {}), ...over });
  const [registration] = built.registrations;
  return { publisher, registration: registration!, run: (input: unknown) => registration!.run({ input, triggerMetadata: {} }) as Promise<IngressAnswer> };
}

const failingPublisher: Publisher = { publish: async () => { throw new Error('403 Forbidden'); } };

describe('providers/azure/runtime/ingress', () => {
  it('refuses a config of another kind than its bundle, and an event the topology does not declare', () => {
    expect(() => createAzureIngress(shop, { kind: 'webhook', config: configs.upload(), logger: quiet })).to.throw(Error, /for a upload, but this is the webhook bundle/);
    expect(() => createAzureIngress(shop, { config: { ...configs.upload(), emits: 'Nope.v1' }, logger: quiet })).to.throw(Error, /declares no event Nope.v1/);
  });

  describe('upload', () => {
    it('publishes the docs\' BlobCreated as the upload event, id derived from Event Grid\'s, content type and size from the event', async () => {
      const { run, publisher, registration } = ingress(configs.upload());
      expect([registration.kind, registration.name]).to.deep.equal(['eventGrid', 'upload']);
      const answer = await run(blobCreated('media', 'uploads/cat.png', { contentType: 'image/png', contentLength: 30699 }).input);
      expect(answer).to.deep.equal({ lines: [{ outcome: 'ok' }] });
      const [event] = publisher.events as Envelope<any>[];
      expect(event).to.deep.include({ type: 'ImageUploaded.v1', subject: 'uploads/cat.png', time: '2019-11-18T15:13:39.4589254Z', contenttype: 'image/png' });
      expect(event!.data).to.deep.equal({ bucket: 'media', key: 'uploads/cat.png', size: 30699, contentType: 'image/png' });
      const again = ingress(configs.upload());
      await again.run(blobCreated('media', 'uploads/cat.png').input);
      expect(again.publisher.events[0]!.id).to.equal(event!.id);
    });

    it('ignores a blob outside the trigger\'s container or prefix, and an event that is not BlobCreated', async () => {
      const { run, publisher } = ingress(configs.upload());
      expect((await run(blobCreated('other', 'uploads/cat.png').input) as { lines: unknown[] }).lines[0]).to.include({ outcome: 'filtered' });
      expect((await run(blobCreated('media', 'downloads/cat.png').input) as { lines: unknown[] }).lines[0]).to.include({ outcome: 'filtered' });
      expect((await run({ specversion: '1.0', type: 'Microsoft.Storage.BlobDeleted', subject: 'x' }) as { lines: unknown[] }).lines[0]).to.include({ outcome: 'filtered' });
      expect(publisher.events).to.deep.equal([]);
    });

    it('fails the invocation when the event cannot be published, so Event Grid delivers it again', async () => {
      const { run } = ingress(configs.upload(), { publisher: failingPublisher });
      const answer = await run(blobCreated('media', 'uploads/cat.png').input) as { lines: unknown[]; fail?: string };
      expect(answer.lines).to.deep.equal([{ outcome: 'retry', reason: 'Error: 403 Forbidden' }]);
      expect(answer.fail).to.equal('Error: 403 Forbidden');
    });
  });

  describe('change', () => {
    const doc = (id: string, extra: Record<string, unknown> = {}) => ({
      id, customerId: id, email: `${id}@example.com`, name: 'Ada', _rid: 'rid', _self: 'self', _etag: `"etag-${id}"`, _ts: 1767225600, _lsn: 7, ...extra,
    });

    it('registers the change feed trigger on the pre-created lease container, with a retry policy', () => {
      const { registration } = ingress(configs.change());
      expect([registration.kind, registration.name, registration.options]).to.deep.equal(['cosmosDB', 'change', {
        connection: 'HERALD_COSMOS', databaseName: 'shop', containerName: 'customers', leaseContainerName: 'customers-leases',
        createLeaseContainerIfNotExists: false, retry: CHANGE_FEED_RETRY,
      }]);
    });

    it('publishes one event per document, the row without Cosmos DB\'s own properties, keyed by the partition key', async () => {
      const { run, publisher } = ingress(configs.change());
      expect(await run([doc('c-1'), doc('c-2')])).to.deep.equal({ lines: [{ outcome: 'ok' }, { outcome: 'ok' }] });
      const events = publisher.events as Envelope<any>[];
      expect(events.map((e) => e.subject)).to.deep.equal(['c-1', 'c-2']);
      expect(events[0]!.data).to.deep.equal({
        table: 'customers', op: 'modify', keys: { customerId: 'c-1' }, newImage: { id: 'c-1', customerId: 'c-1', email: 'c-1@example.com', name: 'Ada' },
      });
      expect(events[0]!.time).to.equal('2026-01-01T00:00:00.000Z');
      expect(new Set(events.map((e) => e.id)).size).to.equal(2);
    });

    it('dead-letters a document that is not a valid event, with the reason, and publishes the rest', async () => {
      const written: Array<[string, string]> = [];
      const { run, publisher } = ingress(configs.change(), { deadLetter: async (record, reason) => { written.push([record.rawBody, reason]); return 'blob'; } });
      const answer = await run([doc('c-1', { email: 'not an email' }), doc('c-2')]) as { lines: Array<{ outcome: string }> };
      expect(answer.lines.map((l) => l.outcome)).to.deep.equal(['dead-letter', 'ok']);
      expect(written).to.have.length(1);
      expect(JSON.parse(written[0]![0])).to.include({ id: 'c-1' });
      expect(written[0]![1]).to.match(/SchemaValidationError/);
      expect(publisher.events.map((e) => e.subject)).to.deep.equal(['c-2']);
    });

    it('fails the invocation when publishing fails, so the trigger runs the batch again', async () => {
      const { run } = ingress(configs.change(), { publisher: failingPublisher });
      const answer = await run([doc('c-1')]) as { fail?: string };
      expect(answer.fail).to.equal('Error: 403 Forbidden');
    });
  });

  describe('webhook', () => {
    const body = '{"orderId":"o-1","paymentId":"p-1","amount":1,"currency":"EUR"}';
    const request = (headers: Record<string, string>) => ({ method: 'POST', url: 'https://shop-webhook.azurewebsites.net/webhooks/payments', headers, body });

    it('registers an anonymous HTTP trigger at the declared path', () => {
      const { registration } = ingress(configs.webhook());
      expect([registration.kind, registration.options]).to.deep.equal(['http', { methods: ['POST'], authLevel: 'anonymous', route: 'webhooks/payments' }]);
    });

    it('publishes a verified request and answers 202 with the event id; 401 for a bad signature; 503 when publishing fails', async () => {
      const env = { PAYMENTS_WEBHOOK_SECRET: 'shh' };
      const ok = ingress(configs.webhook(), { env });
      const answer = await ok.run(request(signatureHeaders('herald', body, 'shh'))) as { http: { status: number; body: { id: string } } };
      expect(answer.http.status).to.equal(202);
      expect(answer.http.body.id).to.equal(ok.publisher.events[0]!.id);
      expect(((await ok.run(request(signatureHeaders('herald', body, 'wrong')))) as { http: { status: number } }).http.status).to.equal(401);
      const down = ingress(configs.webhook(), { env, publisher: failingPublisher });
      expect(((await down.run(request(signatureHeaders('herald', body, 'shh')))) as { http: { status: number } }).http.status).to.equal(503);
    });

    it('answers the host\'s HttpRequest with a JSON response', async () => {
      const { HttpRequest } = await import('@azure/functions');
      const { registration } = ingress(configs.webhook(), { env: { PAYMENTS_WEBHOOK_SECRET: 'shh' } });
      const req = new HttpRequest({ method: 'POST', url: 'https://x.azurewebsites.net/webhooks/payments', headers: signatureHeaders('herald', body, 'shh'), body: { string: body } });
      const response = await registration.handler(req, { invocationId: 'inv-1' } as never) as { status: number; jsonBody: { id: string } };
      expect(response.status).to.equal(202);
      expect(response.jsonBody.id).to.be.a('string');
    });
  });

  describe('schedule', () => {
    it('registers the timer on its %SETTING% with a retry policy', () => {
      const { registration } = ingress(configs.schedule());
      expect([registration.kind, registration.options]).to.deep.equal(['timer', { schedule: '%HERALD_SCHEDULE_NIGHTLY_REPORT%', runOnStartup: false, useMonitor: true, retry: SCHEDULE_RETRY }]);
    });

    it('publishes the run the invocation stands for: the cron\'s time at or before now, late or retried', async () => {
      const at = (iso: string) => ingress(configs.schedule(), { now: () => Date.parse(iso) });
      for (const iso of ['2026-03-01T02:00:00.020Z', '2026-03-01T02:00:40Z', '2026-03-01T01:59:59.500Z']) {
        const { run, publisher } = at(iso);
        expect(await run({ isPastDue: false })).to.deep.equal({ lines: [{ outcome: 'ok' }] });
        expect(publisher.events.map((e) => [e.id, e.time, e.data])).to.deep.equal([['nightly-report@2026-03-01T02:00:00Z', '2026-03-01T02:00:00Z', { date: '2026-03-01T02:00:00Z' }]]);
      }
      expect(scheduledRun('*/15 * * * *', Date.parse('2026-03-01T10:29:00Z'))).to.equal(Date.parse('2026-03-01T10:15:00Z'));
    });

    it('fails the invocation when the run cannot be published, so the timer retries it', async () => {
      const { run } = ingress(configs.schedule(), { publisher: failingPublisher });
      expect(((await run({})) as { fail?: string }).fail).to.equal('Error: 403 Forbidden');
    });
  });
});
