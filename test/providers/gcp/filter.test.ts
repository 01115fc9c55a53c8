/**
 * The Pub/Sub filter compiler, pure: the syntax it writes, the 256-byte budget counted in UTF-8 bytes,
 * escaping, and GCP's part of the delivery plan. Whether the service's filter engine reads these filters
 * as the reference evaluator does is checked against pstest in pubsub-filter.test.ts.
 */
import { expect } from 'chai';
import { deliveryPlan, topology } from '../../../contracts';
import { AWS_DELIVERY } from '../../../providers/aws/filter';
import { OrderPlaced, PaymentFailed } from '../../../app/events';
import {
  GCP_BACKOFF, GCP_DELIVERY, GCP_DIRECT_ATTEMPTS, PUBSUB_FILTER_MAX_BYTES, PUBSUB_MAX_BACKOFF_SECONDS, PUBSUB_MAX_DELIVERY_ATTEMPTS,
  PUBSUB_MIN_DELIVERY_ATTEMPTS, compilePubSubFilter, pubsubFilterOf, pubsubRetryPolicy,
} from '../../../providers/gcp/filter';
import { FILTERS, SUBSCRIBED } from '../aws/filter-cases';
import { serviceRuleViolations } from './filter-rules';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('providers/gcp/filter', () => {
  describe('compilePubSubFilter: syntax', () => {
    it('writes in and prefix over the ce- attributes, with OR groups parenthesised inside the AND', () => {
      const { native, residual, diagnostics } = compilePubSubFilter({
        types: ['A.v2', 'A.v1'],
        where: {
          source: { in: ['shop'] }, subject: { prefix: ['eu/', 'us/'] },
        },
      });
      expect(native.filter).to.equal([
        '(attributes.ce-type = "A.v2" OR attributes.ce-type = "A.v1")',
        'attributes.ce-source = "shop"',
        '(hasPrefix(attributes.ce-subject, "eu/") OR hasPrefix(attributes.ce-subject, "us/"))',
      ].join(' AND '));
      expect(residual).to.deep.equal([]);
      expect(diagnostics).to.deep.equal([]);
    });

    it('writes exists as attributes:k and notExists as NOT attributes:k', () => {
      expect(compilePubSubFilter({ types: ['A.v1'], where: { region: { exists: true }, tier: { notExists: true } } }).native.filter)
        .to.equal('attributes.ce-type = "A.v1" AND attributes:ce-region AND NOT attributes:ce-tier');
    });

    it('needs the key present for notIn, then excludes every value (!= alone would match a message without the key)', () => {
      expect(compilePubSubFilter({ types: [], where: { tier: { notIn: ['free', 'trial'] } } }).native.filter)
        .to.equal('attributes:ce-tier AND attributes.ce-tier != "free" AND attributes.ce-tier != "trial"');
      expect(compilePubSubFilter({ types: ['A.v1', 'A.v2'], where: { tier: { notIn: ['free'] } } }).native.filter)
        .to.equal('(attributes.ce-type = "A.v1" OR attributes.ce-type = "A.v2") AND attributes:ce-tier AND attributes.ce-tier != "free"');
    });

    it('leaves a lone OR chain unparenthesised and writes no filter when there is nothing to filter', () => {
      expect(compilePubSubFilter({ types: ['A.v1', 'B.v1'] }).native.filter).to.equal('attributes.ce-type = "A.v1" OR attributes.ce-type = "B.v1"');
      expect(compilePubSubFilter({ types: [] }).native).to.deep.equal({ filter: '' });
    });

    it('folds a filter on type into the subscribed types', () => {
      const { native, residual } = compilePubSubFilter({ types: [...SUBSCRIBED], where: { type: { prefix: 'OrderPlaced.' } } });
      expect(native.filter).to.equal('attributes.ce-type = "OrderPlaced.v2" OR attributes.ce-type = "OrderPlaced.v1"');
      expect(residual).to.deep.equal([]);
    });

    it('keeps the types and moves a type filter that excludes them all to the residual, with a warning', () => {
      const { native, residual, diagnostics } = compilePubSubFilter({ types: ['OrderPlaced.v2'], where: { type: { in: ['X.v1'] } } });
      expect(native.filter).to.equal('attributes.ce-type = "OrderPlaced.v2"');
      expect(residual).to.deep.equal([{ field: 'type', op: 'in', values: ['X.v1'] }]);
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['UNSUPPORTED_OP']);
    });

    it('writes a prefix list holding "" as attributes:k (every present value has it), and each repeated value once', () => {
      expect(compilePubSubFilter({ types: [], where: { subject: { prefix: ['eu/', ''] } } }).native.filter).to.equal('attributes:ce-subject');
      expect(compilePubSubFilter({ types: [], where: { region: { in: ['eu', 'eu'] }, tier: { notIn: ['free', 'free'] } } }).native.filter)
        .to.equal('attributes.ce-region = "eu" AND attributes:ce-tier AND attributes.ce-tier != "free"');
    });

    it('is case-sensitive as the reference is: no residual for case', () => {
      const { residual, diagnostics } = compilePubSubFilter({ types: ['A.v1'], where: { subject: { in: ['EU/1'] } } });
      expect(residual).to.deep.equal([]);
      expect(diagnostics).to.deep.equal([]);
    });
  });

  describe('compilePubSubFilter: escaping', () => {
    it('escapes " and \\ only, and writes other characters as raw UTF-8', () => {
      const { native } = compilePubSubFilter({ types: [], where: { subject: { in: ['say "hi"\\now', 'ü/ñ/日本/😀'] } } });
      expect(native.filter).to.equal('attributes.ce-subject = "say \\"hi\\"\\\\now" OR attributes.ce-subject = "ü/ñ/日本/😀"');
      expect(native.filter).not.to.match(/\\u|\\x/);
    });

    it('leaves a value with a control character to the function (the service wants it escaped, pstest reads no such escape)', () => {
      const where = { subject: { in: ['line\nbreak'] }, source: { in: ['shop'] } };
      const { native, residual, diagnostics } = compilePubSubFilter({ types: ['A.v1'], where });
      expect(native.filter).to.equal('attributes.ce-type = "A.v1" AND attributes.ce-source = "shop"');
      expect(residual).to.deep.equal([{ field: 'subject', op: 'in', values: ['line\nbreak'] }]);
      expect(diagnostics).to.have.length(1);
      expect(diagnostics[0]).to.include({ code: 'UNSUPPORTED_OP', severity: 'info' });
      expect(diagnostics[0]!.message).to.match(/subject/);
    });

    it('leaves a field whose attribute name would need quoting to the function', () => {
      const { native, residual } = compilePubSubFilter({ types: [], where: { 'a.b': { exists: true } } });
      expect(native.filter).to.equal('');
      expect(residual.map((c) => c.field)).to.deep.equal(['a.b']);
    });
  });

  describe('compilePubSubFilter: what the service refuses and pstest accepts', () => {
    it('the rule check itself tells a good filter from bad ones', () => {
      expect(serviceRuleViolations('(attributes.ce-type = "A" OR attributes.ce-type = "B") AND NOT attributes:ce-x')).to.deep.equal([]);
      expect(serviceRuleViolations('attributes.ce-type = "A" OR attributes.ce-type = "B" AND attributes:ce-x')).to.have.length(1);
      expect(serviceRuleViolations('attributes.ce-subject = "\\u00e9"')).to.deep.equal(['escape \\u at 25']);
      expect(serviceRuleViolations('attributes."ce-type" = "A"')).to.have.length(1);
      expect(serviceRuleViolations('attributes.ce-type = "A')).to.deep.equal(['unterminated string at 21']);
    });

    it('writes no filter of the shared table, nor of hard values, that breaks them', () => {
      const hard = [{ subject: { in: ['a"b\\c', 'AND', 'x) OR (y'] }, source: { prefix: ['"', '\\'] } }, { tier: { notIn: ['OR', '('] }, region: { exists: true } }] as const;
      const inputs = [...FILTERS.map((f) => ({ types: f.types ?? SUBSCRIBED, where: f.where })), ...hard.map((where) => ({ types: ['A.v1', 'B.v1'], where }))];
      for (const input of inputs) {
        const { native } = compilePubSubFilter(input);
        expect(serviceRuleViolations(native.filter), native.filter).to.deep.equal([]);
      }
    });
  });

  describe(`compilePubSubFilter: the ${PUBSUB_FILTER_MAX_BYTES}-byte budget`, () => {
    it('keeps every filter of the shared table within the budget, moving only what does not fit', () => {
      for (const f of FILTERS) {
        const { native, residual } = compilePubSubFilter({ types: f.types ?? SUBSCRIBED, where: f.where });
        expect(bytes(native.filter), f.name).to.be.at.most(PUBSUB_FILTER_MAX_BYTES);
        for (const c of residual) expect(c.field === 'type' || (f.where && c.field in f.where), `${f.name}: ${c.field}`).to.equal(true);
      }
    });

    it('counts UTF-8 bytes, not characters: a filter of fewer than 256 characters but more bytes is cut', () => {
      // 'é' is 2 bytes: with 115 of them the filter is 26 + 230 = 256 bytes in 141 characters; with 116, 258 bytes in 142.
      const fits = 'é'.repeat(115);
      const over = 'é'.repeat(116);
      const kept = compilePubSubFilter({ types: [], where: { subject: { in: [fits] } } });
      expect(kept.native.filter).to.equal(`attributes.ce-subject = "${fits}"`);
      expect(bytes(kept.native.filter)).to.equal(256);
      const cut = compilePubSubFilter({ types: [], where: { subject: { in: [over] } } });
      expect(`attributes.ce-subject = "${over}"`.length).to.be.below(PUBSUB_FILTER_MAX_BYTES);
      expect(cut.native.filter).to.equal('');
      expect(cut.residual).to.deep.equal([{ field: 'subject', op: 'in', values: [over] }]);
      expect(cut.diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
    });

    it('accepts a filter of exactly 256 bytes', () => {
      const value = 'x'.repeat(PUBSUB_FILTER_MAX_BYTES - bytes('attributes.ce-subject = ""'));
      const { native, residual } = compilePubSubFilter({ types: [], where: { subject: { in: [value] } } });
      expect(bytes(native.filter)).to.equal(PUBSUB_FILTER_MAX_BYTES);
      expect(residual).to.deep.equal([]);
    });

    it('sheds the heaviest clause first, keeps the types, and names what it shed in a warning', () => {
      const big = FILTERS.find((f) => f.name === 'over the size limits')!;
      const { native, residual, diagnostics } = compilePubSubFilter({ types: [...SUBSCRIBED], where: big.where });
      expect(native.filter).to.match(/^\(attributes\.ce-type = "OrderPlaced\.v2" OR .*\) AND \(attributes\.ce-source = "shop\.orders" OR attributes\.ce-source = "shop\.media"\)$/);
      expect(residual.map((c) => c.field)).to.deep.equal(['subject']);
      expect(diagnostics).to.have.length(1);
      expect(diagnostics[0]).to.include({ code: 'TOO_LONG', severity: 'warning' });
      expect(diagnostics[0]!.message).to.match(/256 bytes.*subject/);
    });

    it('moves the event types to the function too when they alone are over the budget', () => {
      const types = Array.from({ length: 8 }, (_, i) => `SomeRatherLongEventTypeName${i}.v1`);
      const { native, residual, diagnostics } = compilePubSubFilter({ types, where: { source: { in: ['shop'] } } });
      expect(native.filter).to.equal('attributes.ce-source = "shop"');
      expect(residual).to.deep.equal([{ field: 'type', op: 'in', values: types }]);
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
      expect(diagnostics[0]!.message).to.match(/type/);
    });
  });

  describe('GCP_DELIVERY', () => {
    it('compiles every hop (bus, topic, stream) to a Pub/Sub subscription filter', () => {
      for (const hop of ['bus', 'topic', 'stream'] as const) {
        const { native } = GCP_DELIVERY.compiler(hop).compile({ types: ['A.v1'], where: { subject: { prefix: 'eu/' } } });
        expect(native, hop).to.deep.equal({ filter: 'attributes.ce-type = "A.v1" AND hasPrefix(attributes.ce-subject, "eu/")' });
      }
    });

    it(`gives a direct channel ${PUBSUB_MIN_DELIVERY_ATTEMPTS} attempts, what a dead-letter policy takes at the least`, () => {
      expect(GCP_DIRECT_ATTEMPTS).to.be.within(PUBSUB_MIN_DELIVERY_ATTEMPTS, PUBSUB_MAX_DELIVERY_ATTEMPTS);
      const t = topology('g');
      const bus = t.bus('shop');
      t.fn('charge', { handler: 'functions/charge-payment.ts' })
        .subscribe(bus, { events: [PaymentFailed], where: { source: { in: ['shop.payments'] } } })
        .subscribe(bus, { events: [OrderPlaced], via: t.queue('orders', { maxAttempts: 7 }), name: 'charge-orders' });
      const [direct, viaQueue] = deliveryPlan(t.build(), GCP_DELIVERY).channels;
      expect(direct!.source.kind).to.equal('direct');
      expect(direct!.maxAttempts).to.equal(5);
      expect(direct!.filter.native).to.deep.equal({ filter: 'attributes.ce-type = "PaymentFailed.v1" AND attributes.ce-source = "shop.payments"' });
      expect(viaQueue!.maxAttempts).to.equal(7);
      for (const c of [direct!, viaQueue!]) expect(c.backoff).to.deep.equal(GCP_BACKOFF);
    });

    it('gives the deploy side a channel\'s filter string, and refuses a channel planned for another target', () => {
      const t = topology('g');
      t.fn('charge', { handler: 'functions/charge-payment.ts' }).subscribe(t.bus('shop'), { events: [PaymentFailed], where: { subject: { prefix: 'eu/' } } });
      const built = t.build();
      const [gcp] = deliveryPlan(built, GCP_DELIVERY).channels;
      expect(pubsubFilterOf(gcp!)).to.equal('attributes.ce-type = "PaymentFailed.v1" AND hasPrefix(attributes.ce-subject, "eu/")');
      const [aws] = deliveryPlan(built, AWS_DELIVERY).channels;
      expect(() => pubsubFilterOf(aws!)).to.throw(TypeError, /subscription charge-shop: not a Pub\/Sub filter \(plan the topology with GCP_DELIVERY\)/);
    });

    it('plans the backoff the subscriptions are deployed with: a retry policy within 0–600 s', () => {
      expect(GCP_DELIVERY.backoff).to.equal(GCP_BACKOFF);
      expect(pubsubRetryPolicy(GCP_BACKOFF)).to.deep.equal({ minimumBackoff: '10s', maximumBackoff: '600s' });
      expect(GCP_BACKOFF.capMs).to.be.at.most(PUBSUB_MAX_BACKOFF_SECONDS * 1000);
    });

    it('refuses a backoff a retry policy cannot hold', () => {
      expect(() => pubsubRetryPolicy({ baseMs: 1_000, capMs: 601_000 })).to.throw(RangeError, /maximum backoff is 0–600 s; got 601000 ms/);
      expect(() => pubsubRetryPolicy({ baseMs: -1_000, capMs: 60_000 })).to.throw(RangeError, /minimum backoff/);
    });
  });
});
