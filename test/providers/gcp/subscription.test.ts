/** subscription → one explicit push subscription per channel: OIDC, filter, dead letters, backoff, ack deadline, agent grants. */
import { expect } from 'chai';
import { ImageUploaded, OrderPlaced, OrderPlacedV1, PaymentReceived } from '../../../app/events';
import { topology } from '../../../contracts';
import { compilePubSubFilter, PUBSUB_FILTER_MAX_BYTES } from '../../../providers/gcp/filter';
import { ACK_DEADLINE_MARGIN_SECONDS } from '../../../providers/gcp/limits';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { grants, realizeOnGcp } from '../../helpers/gcp-mocks';
import { findResource, inventoryOf, json } from '../../helpers/pulumi-mocks';

const AGENT = /^serviceAccount:service-\d{12}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;
const sub = (name: string) => findResource('gcp:pubsub/subscription:Subscription', name);
const fn = (name: string) => findResource('gcp:cloudfunctionsv2/function:Function', name);

describe('gcp subscription', () => {
  describe('bus → function (direct), filtered', () => {
    const t = topology('d').event(OrderPlacedV1, OrderPlaced);
    const bus = t.bus('shop');
    t.fn('thumb', { handler: 'functions/make-thumbnail.ts', timeout: '30s' }).subscribe(bus, { events: [ImageUploaded], where: { contenttype: { prefix: 'image/' } } });
    const app = t.build();

    it('creates exactly the push subscription and the service agent\'s subscriber grant on it', async () => {
      await realizeOnGcp(app);
      expect(inventoryOf(findResource('herald:gcp:Subscription', 'thumb-shop'))).to.deep.equal({
        'gcp:pubsub/subscription:Subscription': 1,
        'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember': 1,
      });
      const s = sub('thumb-shop');
      const grant = findResource('gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember', 'thumb-shop-agent-subscriber');
      expect(grant.inputs).to.deep.equal({ subscription: s.id, role: 'roles/pubsub.subscriber', member: grant.inputs.member });
      expect(grant.inputs.member).to.match(AGENT);
    });

    it('pushes to the function\'s Cloud Run URL with an OIDC token of its push account, the only invoker of that service', async () => {
      await realizeOnGcp(app);
      const url = fn('thumb').outputs.serviceConfig.uri;
      expect(url).to.match(/^https:\/\/thumb-[0-9a-f]{7}-\d{12}\.europe-west1\.run\.app$/);
      const push = findResource('gcp:serviceaccount/account:Account', 'thumb-invoker');
      expect(sub('thumb-shop').inputs.pushConfig).to.deep.equal({ pushEndpoint: url, oidcToken: { serviceAccountEmail: push.outputs.email, audience: url } });
      expect(sub('thumb-shop').inputs.pushConfig).not.to.have.property('noWrapper'); // the runtime reads the wrapped push body
      const invokers = grants().filter((g) => g.role === 'roles/run.invoker');
      expect(invokers.map(({ member, on }) => ({ member, on }))).to.deep.equal([{ member: push.outputs.member, on: fn('thumb').outputs.name }]);
    });

    it('filters with the compiled Pub/Sub filter and dead-letters into the function\'s own dead-letter topic after 5 attempts', async () => {
      await realizeOnGcp(app);
      const s = sub('thumb-shop').inputs;
      expect(s.filter).to.equal(compilePubSubFilter({ types: ['ImageUploaded.v1'], where: { contenttype: { prefix: 'image/' } } }).native.filter);
      expect(s.filter).to.equal('attributes.ce-type = "ImageUploaded.v1" AND hasPrefix(attributes.ce-contenttype, "image/")');
      const dlt = findResource('gcp:pubsub/topic:Topic', 'thumb-dlq');
      expect(s.deadLetterPolicy).to.deep.equal({ deadLetterTopic: dlt.id, maxDeliveryAttempts: 5 });
      expect(dlt.id).to.match(/^projects\/herald-dev\/topics\/thumb-dlq-[0-9a-f]{7}$/);
      // The dead letters are kept: a pull subscription on the dead-letter topic, and the agent may publish there.
      expect(findResource('gcp:pubsub/subscription:Subscription', 'thumb-dead-letters').inputs).to.deep.include({ topic: dlt.id, expirationPolicy: { ttl: '' } });
      expect(findResource('gcp:pubsub/subscription:Subscription', 'thumb-dead-letters').inputs).not.to.have.property('pushConfig');
      const publisher = findResource('gcp:pubsub/topicIAMMember:TopicIAMMember', 'thumb-dlq-agent-publisher').inputs;
      expect(publisher).to.include({ topic: dlt.id, role: 'roles/pubsub.publisher' });
      expect(publisher.member).to.match(AGENT);
    });

    it('retries with exponential backoff, never expires, and waits longer than the function runs', async () => {
      await realizeOnGcp(app);
      const s = sub('thumb-shop').inputs;
      expect(s.retryPolicy).to.deep.equal({ minimumBackoff: '10s', maximumBackoff: '600s' });
      expect(s.expirationPolicy).to.deep.equal({ ttl: '' });
      expect(s.ackDeadlineSeconds).to.equal(30 + ACK_DEADLINE_MARGIN_SECONDS);
      expect(s.ackDeadlineSeconds).to.be.at.least(fn('thumb').inputs.serviceConfig.timeoutSeconds);
      expect(s).not.to.have.property('enableMessageOrdering');
    });

    it('names the subscription after its filter, names it so in the function\'s config, and says a new filter drops the backlog', async () => {
      const { warnings } = await realizeOnGcp(app);
      const name = sub('thumb-shop').inputs.name as string;
      expect(name).to.match(/^d-test-thumb-shop-[0-9a-f]{8}$/);
      const config = json(fn('thumb').inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
      expect(Object.keys(config.subscriptions)).to.deep.equal([`projects/herald-dev/subscriptions/${name}`]);
      expect(config.subscriptions[`projects/herald-dev/subscriptions/${name}`].deadLetterTopic).to.equal(findResource('gcp:pubsub/topic:Topic', 'thumb-dlq').id);
      expect(warnings.join('\n')).to.match(/subscription thumb-shop: Pub\/Sub cannot change a filter, so a changed filter deploys a new subscription .* the old one's backlog is not carried over/);

      const other = topology('d').event(OrderPlacedV1, OrderPlaced);
      other.fn('thumb', { handler: 'functions/make-thumbnail.ts', timeout: '30s' }).subscribe(other.bus('shop'), { events: [ImageUploaded], where: { contenttype: { prefix: 'video/' } } });
      await realizeOnGcp(other.build());
      const renamed = sub('thumb-shop').inputs.name as string;
      expect(renamed).to.match(/^d-test-thumb-shop-[0-9a-f]{8}$/);
      expect(renamed).not.to.equal(name);
    });
  });

  describe('bus → queue → function', () => {
    function app() {
      const t = topology('v').event(OrderPlacedV1, OrderPlaced);
      const bus = t.bus('shop');
      const q = t.queue('payments', { maxAttempts: 7, retention: '2d' });
      t.fn('charge', { handler: 'functions/charge-payment.ts', timeout: '10s' })
        .subscribe(bus, { events: [OrderPlaced], via: q })
        .subscribe(bus, { events: [PaymentReceived], via: q, name: 'charge-retries' });
      return t.build();
    }

    it('gives every subscription through the queue the queue\'s attempts, retention and dead-letter topic, on the bus\'s topic', async () => {
      await realizeOnGcp(app());
      const bus = findResource('gcp:pubsub/topic:Topic', 'shop').id;
      const dlt = findResource('gcp:pubsub/topic:Topic', 'payments-dlq').id;
      for (const name of ['charge-shop', 'charge-retries']) {
        expect(sub(name).inputs, name).to.deep.include({ topic: bus, messageRetentionDuration: '172800s', deadLetterPolicy: { deadLetterTopic: dlt, maxDeliveryAttempts: 7 } });
      }
      // One dead-letter grant for the function (it dead-letters bad input itself), though two channels share the topic.
      expect(grants().filter((g) => g.on === dlt && g.role === 'roles/pubsub.publisher').map((g) => g.name).sort()).to.deep.equal(['charge-dead-letter-charge-shop', 'payments-dlq-agent-publisher']);
    });
  });

  it('enables ordering on an ordered queue\'s subscriptions, and its publishers set the ordering key', async () => {
    const t = topology('o');
    const bus = t.bus('shop');
    const q = t.queue('ledger', { orderBy: 'data.orderId' });
    t.fn('book', { handler: 'functions/charge-payment.ts', timeout: '10s', publishes: { to: bus, events: [PaymentReceived] } }).subscribe(bus, { events: [OrderPlaced], via: q });
    await realizeOnGcp(t.build());
    expect(sub('book-shop').inputs.enableMessageOrdering).to.equal(true);
    const config = json(fn('book').inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
    expect(config.publishTo).to.deep.equal({ topic: findResource('gcp:pubsub/topic:Topic', 'shop').id, orderKey: 'data.orderId' });
  });

  it('keeps the native filter within 256 bytes, warns, and has the function evaluate the rest', async () => {
    const t = topology('w');
    const long = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(60)}${i}`);
    t.fn('picky', { handler: 'functions/send-confirmation.ts' }).subscribe(t.bus('shop'), { events: [OrderPlaced], where: { subject: { in: long } } });
    const { warnings } = await realizeOnGcp(t.build());
    const filter = sub('picky-shop').inputs.filter as string;
    expect(Buffer.byteLength(filter)).to.be.at.most(PUBSUB_FILTER_MAX_BYTES);
    expect(filter).not.to.contain('ce-subject');
    expect(warnings.join('\n')).to.match(/picky-shop: the Pub\/Sub subscription filter is over 256 bytes; the filter on subject is evaluated in the function/);
    const config = json(fn('picky').inputs.serviceConfig.environmentVariables[GCP_CONFIG_ENV]);
    expect(config.channels.map((c: { residual: unknown }) => c.residual)).to.deep.equal([[{ field: 'subject', op: 'in', values: long }]]);
  });
});
