/** AWS's own limits, reported by the provider's validate in the portable problems' form (moved out of contracts/). */
import { expect } from 'chai';
import { InvalidOptionError, TimeoutMismatchError, topology } from '../../../contracts';
import { OrderPlaced } from '../../../app/events';
import { aws } from '../../../providers/aws';
import { queueVisibilitySeconds, requiredVisibilitySeconds } from '../../../providers/aws/limits';

function app() {
  const t = topology('t');
  const bus = t.bus('main');
  return { t, bus };
}

describe('aws limits', () => {
  it('reports a visibility override under 6× the consumer timeout, naming the override', () => {
    const { t, bus } = app();
    const q = t.queue('q', { overrides: { aws: { visibilityTimeoutSeconds: 59 } } });
    t.fn('f', { handler: 'functions/f.ts', timeout: '10s' }).subscribe(bus, { events: [OrderPlaced], via: q });
    const issues = aws.validate(t.build());
    expect(issues.map((i) => [i.constructor, i.field])).to.deep.equal([[TimeoutMismatchError, 'queues[q].overrides.aws.visibilityTimeoutSeconds']]);
    expect(issues[0]!.message).to.match(/59s is under 60s = 6× the consumer's timeout/);
  });

  it('derives the visibility timeout from the longest consumer and the window the mapping uses', () => {
    const { t, bus } = app();
    const q = t.queue('q', { batch: { window: '5s' } });
    t.fn('f', { handler: 'functions/f.ts', timeout: '20s' }).subscribe(bus, { events: [OrderPlaced], via: q });
    const built = t.build();
    expect(requiredVisibilitySeconds(built, aws.delivery, built.queues[0]!)).to.equal(125);
    expect(queueVisibilitySeconds(built, aws.delivery, { ...built.queues[0]!, overrides: { aws: { visibilityTimeoutSeconds: 300 } } })).to.equal(300);
  });

  it("reports Lambda's memory range, mapping batch sizes and windows, FIFO windows and SQS retention, all at once", () => {
    const { t, bus } = app();
    const q = t.queue('q', { orderBy: 'subject', batch: { size: 20, window: '1s' }, retention: '20d', deadLetterRetention: '20d' });
    const s = t.stream('s', { key: 'subject', batch: { size: 20_000, window: '10m' } });
    t.fn('f', { handler: 'functions/f.ts', memory: 64 }).subscribe(bus, { events: [OrderPlaced], via: q });
    t.fn('g', { handler: 'functions/g.ts', memory: 20_480 }).subscribe(bus, { events: [OrderPlaced], via: s });
    const issues = aws.validate(t.build());
    expect(issues.every((i) => i instanceof InvalidOptionError)).to.equal(true);
    expect(issues.map((i) => i.field)).to.deep.equal([
      'functions[f].memory', 'functions[g].memory', 'streams[s].batch.size', 'streams[s].batch.window', 'queues[q].batch.size',
      'queues[q].batch.window', 'queues[q].retention', 'queues[q].deadLetterRetention',
    ]);
  });

  it('accepts the example app', () => {
    const { shop } = require('../../../app/topology') as typeof import('../../../app/topology');
    expect(aws.validate(shop)).to.deep.equal([]);
  });
});
