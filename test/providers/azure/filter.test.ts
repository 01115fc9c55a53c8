import { expect } from 'chai';
import type * as azureInputs from '@pulumi/azure-native/types/input';
import { attributeOf, deliveryPlan, matches, matchesClauses, topology, type Envelope } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import {
  AZURE_DELIVERY, EVENT_GRID_DIRECT_ATTEMPTS, EVENT_GRID_MAX_ADVANCED_FILTERS, EVENT_GRID_MAX_FILTER_VALUES, EVENT_GRID_MAX_VALUE_CHARS,
  SERVICE_BUS_SQL_MAX_CHARS, compileAdvancedFilters, compileServiceBusRule, likePrefixPattern, sqlProperty, sqlString,
  type EventGridFilter, type ServiceBusRule,
} from '../../../providers/azure/filter';
import { promotedProperties } from '../../../providers/azure/runtime/wire';
import { advancedFilterMatches, eventGridDelivers } from './event-grid-model';
import { AZURE_EVENTS, AZURE_FILTERS, MANY_FIELDS, SUBSCRIBED, expected } from './filter-cases';
import { evaluateSqlFilter, parseSqlFilter, serviceBusSelects } from './service-bus-sql-model';

const readEnvelope = (e: Envelope) => (field: string) => attributeOf(e, field);
const filterOf = (name: string) => AZURE_FILTERS.find((f) => f.name === name)!;

describe('providers/azure/filter', () => {
  describe('compileAdvancedFilters (Event Grid)', () => {
    it('puts the types in includedEventTypes and each clause under its CloudEvent attribute name', () => {
      const { native, residual, diagnostics } = compileAdvancedFilters({
        types: ['ImageUploaded.v1'],
        where: { source: { in: ['shop.media'] }, subject: { prefix: 'eu/' }, contenttype: { notIn: ['image/gif'] }, region: { notExists: true }, tier: { exists: true } },
      });
      expect(native).to.deep.equal({
        includedEventTypes: ['ImageUploaded.v1'],
        advancedFilters: [
          { operatorType: 'StringIn', key: 'source', values: ['shop.media'] },
          { operatorType: 'StringBeginsWith', key: 'subject', values: ['eu/'] },
          { operatorType: 'IsNotNull', key: 'contenttype' },
          { operatorType: 'IsNullOrUndefined', key: 'region' },
          { operatorType: 'IsNotNull', key: 'tier' },
        ],
      });
      expect(residual).to.deep.equal([
        { field: 'type', op: 'in', values: ['ImageUploaded.v1'] },
        { field: 'source', op: 'in', values: ['shop.media'] },
        { field: 'subject', op: 'prefix', values: ['eu/'] },
        { field: 'contenttype', op: 'notIn', values: ['image/gif'] },
      ]);
      expect(diagnostics).to.have.length(1);
      expect(diagnostics[0]).to.include({ code: 'CASE_INSENSITIVE', severity: 'info' });
      expect(diagnostics[0]!.message).to.match(/source, subject, contenttype/);
    });

    it('compiles notIn to IsNotNull plus StringNotIn over the caseless values only', () => {
      const { native, residual } = compileAdvancedFilters({ types: ['A.v1'], where: { tier: { notIn: ['gold', '42', ''] } } });
      expect(native.advancedFilters).to.deep.equal([
        { operatorType: 'IsNotNull', key: 'tier' },
        { operatorType: 'StringNotIn', key: 'tier', values: ['42'] },
      ]);
      expect(residual.map((c) => c.field)).to.deep.equal(['type', 'tier']);
    });

    it('sends no empty string: in "" becomes IsNotNull (checked again), prefix "" is exactly IsNotNull', () => {
      const inEmpty = compileAdvancedFilters({ types: ['A.v1'], where: { subject: { in: ['', 'x'] } } });
      expect(inEmpty.native.advancedFilters).to.deep.equal([{ operatorType: 'IsNotNull', key: 'subject' }]);
      expect(inEmpty.residual.map((c) => c.field)).to.deep.equal(['type', 'subject']);
      const prefixEmpty = compileAdvancedFilters({ types: ['A.v1'], where: { subject: { prefix: ['', 'x'] } } });
      expect(prefixEmpty.native.advancedFilters).to.deep.equal([{ operatorType: 'IsNotNull', key: 'subject' }]);
      expect(prefixEmpty.residual.map((c) => c.field)).to.deep.equal(['type']);
      expect(prefixEmpty.diagnostics).to.deep.equal([]);
    });

    it('leaves includedEventTypes out when the subscription names no type (every type)', () => {
      const { native, residual } = compileAdvancedFilters({ types: [], where: { region: { exists: true } } });
      expect(native).to.deep.equal({ advancedFilters: [{ operatorType: 'IsNotNull', key: 'region' }] });
      expect(residual).to.deep.equal([]);
    });

    it('folds a filter on type into includedEventTypes', () => {
      const { native } = compileAdvancedFilters({ types: [...SUBSCRIBED], where: { type: { prefix: 'OrderPlaced.' } } });
      expect(native.includedEventTypes).to.deep.equal(['OrderPlaced.v2', 'OrderPlaced.v1']);
    });

    it(`keeps at most ${EVENT_GRID_MAX_ADVANCED_FILTERS} advanced filters, and says so`, () => {
      const { native, residual, diagnostics } = compileAdvancedFilters({ types: [...SUBSCRIBED], where: filterOf('over 25 advanced filters').where });
      expect(native.advancedFilters).to.have.length(EVENT_GRID_MAX_ADVANCED_FILTERS);
      expect(residual.filter((c) => c.field !== 'type')).to.have.length(MANY_FIELDS.length - EVENT_GRID_MAX_ADVANCED_FILTERS);
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
    });

    it(`keeps at most ${EVENT_GRID_MAX_FILTER_VALUES} values across the filters, shedding the heaviest clause`, () => {
      for (const name of ['over the size limits', 'over 25 values, notIn']) {
        const { native, residual, diagnostics } = compileAdvancedFilters({ types: [...SUBSCRIBED], where: filterOf(name).where });
        const values = native.advancedFilters.reduce((n, f) => n + ('values' in f ? f.values.length : 0), 0);
        expect(values, name).to.be.at.most(EVENT_GRID_MAX_FILTER_VALUES);
        expect(native.advancedFilters.length, name).to.be.at.least(1);
        expect(diagnostics.map((d) => d.code), name).to.include('TOO_LONG');
        expect(residual.length, name).to.be.at.least(2);
      }
      // 30 caseless values: the notIn's StringNotIn alone is over, so the clause goes and the prefix stays.
      const digits = compileAdvancedFilters({ types: ['A.v1'], where: filterOf('over 25 values, notIn').where });
      expect(digits.native.advancedFilters).to.deep.equal([{ operatorType: 'StringBeginsWith', key: 'source', values: ['shop'] }]);
      expect(digits.diagnostics.find((d) => d.code === 'TOO_LONG')!.message).to.match(/region/);
      // 30 cased values cost nothing native (IsNotNull only): nothing to shed.
      const cased = compileAdvancedFilters({ types: ['A.v1'], where: { region: { notIn: Array.from({ length: 30 }, (_, i) => `r${i}`) } } });
      expect(cased.native.advancedFilters).to.deep.equal([{ operatorType: 'IsNotNull', key: 'region' }]);
      expect(cased.diagnostics.map((d) => d.code)).to.deep.equal(['CASE_INSENSITIVE']);
    });

    it(`moves a clause with a value over ${EVENT_GRID_MAX_VALUE_CHARS} characters to the function`, () => {
      const long = 'x'.repeat(EVENT_GRID_MAX_VALUE_CHARS + 1);
      const { native, residual, diagnostics } = compileAdvancedFilters({ types: ['A.v1'], where: { subject: { in: [long] }, region: { exists: true } } });
      expect(native.advancedFilters).to.deep.equal([{ operatorType: 'IsNotNull', key: 'region' }]);
      expect(residual).to.deep.include({ field: 'subject', op: 'in', values: [long] });
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
    });

    it('is what @pulumi/azure-native takes as an event subscription filter', () => {
      const { native } = compileAdvancedFilters({ types: ['A.v1'], where: { subject: { prefix: 'eu/' }, tier: { notIn: ['1'] }, region: { notExists: true } } });
      // A compile-time check: this assignment fails tsc if the shape drifts from the provider's input type.
      const asInput: azureInputs.eventgrid.EventSubscriptionFilterArgs = native;
      expect(asInput.advancedFilters).to.have.length(4);
    });
  });

  describe('compileServiceBusRule (Service Bus SQL)', () => {
    it('selects the types and each clause over the cloudEvents_ properties', () => {
      const { native, residual, diagnostics } = compileServiceBusRule({
        types: ['ImageUploaded.v1', 'OrderPlaced.v1'],
        where: { source: { in: ['shop.media'] }, subject: { prefix: ['eu/', 'us/'] }, contenttype: { notIn: ['image/gif', 'image/bmp'] }, region: { notExists: true }, tier: { exists: true } },
      });
      expect(native.sqlExpression).to.equal([
        "cloudEvents_type IN ('ImageUploaded.v1','OrderPlaced.v1')",
        "cloudEvents_source IN ('shop.media')",
        "(cloudEvents_subject LIKE 'eu/%' ESCAPE '!' OR cloudEvents_subject LIKE 'us/%' ESCAPE '!')",
        "cloudEvents_contenttype IS NOT NULL AND cloudEvents_contenttype NOT IN ('image/gif','image/bmp')",
        'cloudEvents_region IS NULL',
        'cloudEvents_tier IS NOT NULL',
      ].join(' AND '));
      expect(residual).to.deep.equal([{ field: 'subject', op: 'prefix', values: ['eu/', 'us/'] }]);
      expect(diagnostics.map((d) => [d.code, d.severity])).to.deep.equal([['CASE_INSENSITIVE', 'info']]);
    });

    it('still selects the subscribed types when there is no filter, and everything when there are none', () => {
      expect(compileServiceBusRule({ types: ['A.v1'] })).to.deep.equal({ native: { sqlExpression: "cloudEvents_type IN ('A.v1')" }, residual: [], diagnostics: [] });
      expect(compileServiceBusRule({ types: [] }).native).to.deep.equal({ sqlExpression: '1=1' });
    });

    it("doubles quotes and escapes %, _ and the escape character in LIKE, and stops a pattern before '['", () => {
      expect(sqlString("o'brien")).to.equal("'o''brien'");
      expect(likePrefixPattern('50%_off!/')).to.equal('50!%!_off!!/%');
      expect(likePrefixPattern('a[b]/')).to.equal('a%');
      const { native } = compileServiceBusRule({ types: ['A.v1'], where: { subject: { prefix: "o'_%" } } });
      expect(native.sqlExpression).to.equal("cloudEvents_type IN ('A.v1') AND cloudEvents_subject LIKE 'o''!_!%%' ESCAPE '!'");
      expect(() => parseSqlFilter(native.sqlExpression)).not.to.throw();
    });

    it('writes LIKE patterns that alone, matching case, select exactly the prefixes (the residual only fixes case)', () => {
      const f = filterOf("prefix with %, _, ! and '");
      const { native } = compileServiceBusRule({ types: [], where: f.where });
      let selected = 0;
      for (const e of AZURE_EVENTS) {
        const got = serviceBusSelects(native.sqlExpression, promotedProperties(e));
        selected += Number(got);
        expect(got, JSON.stringify(e)).to.equal(expected([], f.where, e));
      }
      expect(selected).to.equal(3);
    });

    it('delimits a property name that is not a regular identifier', () => {
      expect(sqlProperty('contenttype')).to.equal('cloudEvents_contenttype');
      expect(sqlProperty('a-b]')).to.equal('[cloudEvents_a-b]]]');
    });

    it(`sheds the longest condition to stay within ${SERVICE_BUS_SQL_MAX_CHARS} characters, and says so`, () => {
      const { native, residual, diagnostics } = compileServiceBusRule({ types: [...SUBSCRIBED], where: filterOf('over the size limits').where });
      expect(native.sqlExpression.length).to.be.at.most(SERVICE_BUS_SQL_MAX_CHARS);
      expect(native.sqlExpression).to.match(/cloudEvents_source IN/);
      expect(residual.map((c) => c.field)).to.deep.equal(['subject']);
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
      expect(diagnostics[0]!.message).to.match(/subject/);
    });

    it('selects every type and checks the type in the function when the types alone are too long', () => {
      const types = Array.from({ length: 60 }, (_, i) => `SomeRatherLongEventTypeName${i}.v1`);
      const { native, residual, diagnostics } = compileServiceBusRule({ types, where: { region: { exists: true } } });
      expect(native.sqlExpression).to.equal('cloudEvents_region IS NOT NULL');
      expect(residual).to.deep.equal([{ field: 'type', op: 'in', values: types }]);
      expect(diagnostics.map((d) => d.code)).to.deep.equal(['TOO_LONG']);
      expect(diagnostics[0]!.message).to.match(/60 event types .*split the subscription/);
    });

    it('is what @pulumi/azure-native takes as a rule SQL filter', () => {
      const { native } = compileServiceBusRule({ types: ['A.v1'] });
      const asInput: azureInputs.servicebus.SqlFilterArgs = native;
      expect(asInput.sqlExpression).to.equal("cloudEvents_type IN ('A.v1')");
    });
  });

  describe('AZURE_DELIVERY', () => {
    const app = topology('shop');
    const bus = app.bus('shop');
    const topic = app.topic('orders');
    const stream = app.stream('audit', { key: 'data.orderId' });
    const where = { subject: { in: ['eu/1'] } };
    app.fn('direct', { handler: 'functions/x.ts' }).subscribe(bus, { events: [OrderPlaced], where });
    app.fn('fanout', { handler: 'functions/x.ts' }).subscribe(topic, { events: [OrderPlaced], where });
    app.fn('reader', { handler: 'functions/x.ts' }).subscribe(stream, { events: [OrderPlaced], where });
    const plan = deliveryPlan(app.build(), AZURE_DELIVERY);
    const types = OrderPlaced.readableTypes;

    it('compiles a bus subscription to Event Grid, a topic one to SQL, a stream one in the function', () => {
      const [direct, fanout, reader] = plan.channels;
      expect(direct!.filter.native as EventGridFilter).to.deep.equal({
        includedEventTypes: types, advancedFilters: [{ operatorType: 'StringIn', key: 'subject', values: ['eu/1'] }],
      });
      expect((fanout!.filter.native as ServiceBusRule).sqlExpression)
        .to.equal(`cloudEvents_type IN (${types.map((t) => `'${t}'`).join(',')}) AND cloudEvents_subject IN ('eu/1')`);
      expect(reader!.filter.native).to.deep.equal({});
      expect(reader!.filter.residual.map((c) => c.field)).to.deep.equal(['type', 'subject']);
    });

    it(`gives a direct delivery ${EVENT_GRID_DIRECT_ATTEMPTS} attempts`, () => {
      expect(plan.channels[0]!.source.kind).to.equal('direct');
      expect(plan.channels[0]!.maxAttempts).to.equal(EVENT_GRID_DIRECT_ATTEMPTS);
      expect(AZURE_DELIVERY.name).to.equal('azure');
    });
  });

  // The broker's filter (as its documented semantics evaluate it) AND the residual, over every case.
  for (const typesIgnoreCase of [false, true]) {
    describe(`Event Grid's filter plus the residual accepts exactly what matches() accepts (includedEventTypes ${typesIgnoreCase ? 'ignoring' : 'matching'} case)`, () => {
      for (const f of AZURE_FILTERS) {
        it(f.name, () => {
          const types = f.types ?? SUBSCRIBED;
          const { native, residual } = compileAdvancedFilters({ types, where: f.where });
          for (const e of AZURE_EVENTS) {
            const got = eventGridDelivers(native, e, { typesIgnoreCase }) && matchesClauses(residual, readEnvelope(e));
            expect(got, `${f.name} × ${JSON.stringify(e)}`).to.equal(expected(types, f.where, e));
          }
        });
      }
    });
  }

  for (const likeIgnoresCase of [false, true]) {
    describe(`the Service Bus rule plus the residual accepts exactly what matches() accepts (LIKE ${likeIgnoresCase ? 'ignoring' : 'matching'} case)`, () => {
      for (const f of AZURE_FILTERS) {
        it(f.name, () => {
          const types = f.types ?? SUBSCRIBED;
          const { native, residual } = compileServiceBusRule({ types, where: f.where });
          for (const e of AZURE_EVENTS) {
            const got = serviceBusSelects(native.sqlExpression, promotedProperties(e), { likeIgnoresCase }) && matchesClauses(residual, readEnvelope(e));
            // Service Bus carries no empty property (wire.ts), so "" reads as absent there.
            expect(got, `${f.name} × ${JSON.stringify(e)}`).to.equal(expected(types, f.where, withoutEmpty(e)));
          }
        });
      }
    });
  }

  describe('the cases are not trivial', () => {
    it('each engine drops, at the broker, events some filter rejects, and the residual drops some the broker let through', () => {
      let brokerDropped = 0;
      let residualDropped = 0;
      for (const f of AZURE_FILTERS) {
        const types = f.types ?? SUBSCRIBED;
        const eg = compileAdvancedFilters({ types, where: f.where });
        for (const e of AZURE_EVENTS) {
          const native = eventGridDelivers(eg.native, e, { typesIgnoreCase: true });
          if (!native) brokerDropped++;
          else if (!matchesClauses(eg.residual, readEnvelope(e))) residualDropped++;
        }
      }
      expect(brokerDropped).to.be.greaterThan(50);
      expect(residualDropped).to.be.greaterThan(5);
    });

    it('the reference itself tells the upper-case value apart', () => {
      const gif = AZURE_EVENTS.find((e) => e.contenttype === 'IMAGE/GIF')!;
      expect(matches({ contenttype: { notIn: ['image/gif'] } }, gif)).to.equal(true);
      // StringNotIn on a cased value would drop it: that is why notIn keeps only caseless values native.
      expect(advancedFilterMatches({ operatorType: 'StringNotIn', key: 'contenttype', values: ['image/gif'] }, gif.contenttype)).to.equal(false);
      expect(evaluateSqlFilter("cloudEvents_contenttype NOT IN ('image/gif')", promotedProperties(gif))).to.equal(true);
    });
  });
});

function withoutEmpty(e: Envelope): Envelope {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== '')) as unknown as Envelope;
}
