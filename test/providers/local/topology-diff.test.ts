import { expect } from 'chai';
import { z } from 'zod';
import { defineEvent, on, topology, type Duration } from '../../../contracts';
import { LOCAL_DELIVERY } from '../../../providers/local/delivery';
import { createLocalRuntime, describeChanges, topologyDiff } from '../../../providers/local';
import { Tick, Tock } from './fixtures';

/** A small app; `edit` changes what it declares. */
function app(edit: { attempts?: number; timeout?: Duration; audit?: boolean; where?: boolean; tickSchema?: z.ZodType; schedule?: boolean } = {}) {
  const tick = edit.tickSchema ? defineEvent({ type: 'Tick', version: 1, source: 'test.ticks', schema: edit.tickSchema as typeof Tick.schema, extensions: { media: (d) => d.media } }) : Tick;
  const t = topology('diff').event(tick).event(Tock);
  const bus = t.bus('main');
  const work = t.queue('work', { maxAttempts: edit.attempts ?? 5 });
  t.fn('count', { handler: 'functions/count.ts', timeout: edit.timeout ?? '5s' })
    .subscribe(bus, { events: [tick], via: work, ...(edit.where ? { where: { media: { prefix: 'image/' } } } : {}) });
  if (edit.audit) t.fn('audit', { handler: 'functions/audit.ts' }).subscribe(bus, { events: [Tock] });
  if (edit.schedule) t.schedule('nightly', { cron: '0 3 * * *', emits: Tock, to: bus, data: { n: 1 } });
  return t.build();
}

const diff = (a: ReturnType<typeof app>, b: ReturnType<typeof app>) => describeChanges(topologyDiff(a, b, LOCAL_DELIVERY));

describe('topologyDiff (what a hot reload reports and decides by)', () => {
  it('is empty for the same declarations built twice: code is not compared', () => {
    expect(diff(app(), app())).to.deep.equal([]);
  });

  it('names added and removed subscriptions, functions and schedules', () => {
    expect(diff(app(), app({ audit: true, schedule: true }))).to.deep.equal(['+ subscription audit-main', '+ function audit', '+ schedule nightly']);
    expect(diff(app({ audit: true }), app())).to.deep.equal(['- subscription audit-main', '- function audit']);
  });

  it('shows a change that reaches a subscription from elsewhere on the subscription too, with the fields', () => {
    expect(diff(app(), app({ attempts: 7 }))).to.deep.equal(['~ subscription count-main: maxAttempts', '~ queue work: maxAttempts']);
    expect(diff(app(), app({ timeout: '9s' }))).to.deep.equal(['~ subscription count-main: timeoutMs', '~ function count: timeout']);
    expect(diff(app(), app({ where: true }))[0]).to.match(/^~ subscription count-main: .*clauses.*/);
  });

  it("compares an event's schema as JSON Schema", () => {
    const wider = z.object({ n: z.number().int(), key: z.string().default('k'), media: z.string().optional(), fail: z.boolean().optional(), note: z.string().optional() });
    expect(diff(app(), app({ tickSchema: wider }))).to.deep.equal(['~ event Tick.v1: schema']);
  });
});

describe('LocalRuntime.swapCode', () => {
  it('refuses a topology that declares something else, naming what, and changes nothing', () => {
    const handlers = { count: on(Tick, async () => {}), audit: on(Tock, async () => {}) };
    const runtime = createLocalRuntime(app(), { handlers, schedules: false });
    const before = runtime.topology;
    expect(() => runtime.swapCode(app({ attempts: 6 }), handlers)).to.throw(/declares something else \(~ subscription count-main: maxAttempts; ~ queue work: maxAttempts\)/);
    expect(runtime.topology).to.equal(before);
    const same = app();
    runtime.swapCode(same, handlers);
    expect(runtime.topology).to.equal(same);
    void runtime.stop(0);
  });
});
