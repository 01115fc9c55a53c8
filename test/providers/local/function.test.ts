import { expect } from 'chai';
import { on } from '../../../contracts';
import { EventRegistry, Pipeline, silentLogger } from '../../../runtime';
import { Gate, LocalFunction, type DeliveryRecord } from '../../../providers/local';
import { Tick, Tock, tick } from './fixtures';

/** A pipeline as a consumer takes it: read at each delivery. */
function pipeline(handle: Parameters<typeof on<typeof Tick>>[1], allowedPublishes: string[] = []): () => Pipeline {
  const made = pipelineOf(handle, allowedPublishes);
  return () => made;
}

function pipelineOf(handle: Parameters<typeof on<typeof Tick>>[1], allowedPublishes: string[] = []) {
  return new Pipeline({
    functionName: 'f', handler: on(Tick, handle), registry: new EventRegistry([Tick, Tock]),
    publisher: { publish: async () => {} }, maxAttempts: 3, timeoutMs: 1000, allowedPublishes, logger: silentLogger,
    backoff: { baseMs: 100, random: () => 0.5 },
  });
}

describe('local function', () => {
  it('Gate admits up to its limit and wakes waiters when a slot frees', () => {
    const gate = new Gate(2);
    expect([gate.tryEnter(), gate.tryEnter(), gate.tryEnter()]).to.deep.equal([true, true, false]);
    let woken = 0;
    const wake = () => woken++;
    gate.wait(wake);
    gate.wait(wake);
    gate.leave();
    expect(woken).to.equal(1);
    expect(gate.running).to.equal(1);
    expect(() => new Gate(0)).to.throw(RangeError, /at least 1/);
  });

  it('reports each delivery with its outcome, attempt, duration and reason', async () => {
    const records: DeliveryRecord[] = [];
    const fn = new LocalFunction('f', undefined, (r) => records.push(r));
    const consumer = fn.consumer('f-b', pipeline(async (e) => { if (e.data.fail) throw new Error('boom'); }));
    const good = tick(1, { correlationId: 'c-1' });
    const bad = tick(2, { fail: true });
    expect((await consumer.deliver(good, 1)).kind).to.equal('ok');
    expect((await consumer.deliver(bad, 2)).kind).to.equal('retry');
    expect(records[0]).to.include({ function: 'f', subscription: 'f-b', type: 'Tick.v1', id: good.id, correlationid: 'c-1', attempt: 1, outcome: 'ok' });
    expect(records[1]).to.include({ id: bad.id, correlationid: bad.id, attempt: 2, outcome: 'retry', delayMs: 100, reason: 'Error: boom' });
    expect(records[1]!.durationMs).to.be.a('number').and.at.least(0);
  });

  it("reports a delivery before answering it, and gives its consumers the function's publish target", async () => {
    const order: string[] = [];
    const bus = { kind: 'bus', name: 'b' } as const;
    const fn = new LocalFunction('f', 1, (r) => order.push(`report ${r.type}`), bus);
    const consumer = fn.consumer('f-b', pipeline(async (_e, ctx) => { await ctx.publish(Tock, { n: 1 }); }, ['Tock.v1']));
    const outcome = await consumer.deliver(tick(1), 1).then((o) => { order.push(`answer ${o.kind}`); return o; });
    // The transport sends `published` on only once answered, so the report always comes first.
    expect(order).to.deep.equal(['report Tick.v1', 'answer ok']);
    expect(outcome.kind === 'ok' && outcome.published.map((e) => e.type)).to.deep.equal(['Tock.v1']);
    expect(consumer.publishTo).to.deep.equal(bus);
    expect(consumer.gate).to.equal(fn.gate);
    expect(fn.gate.limit).to.equal(1);
    expect(new LocalFunction('g', undefined, () => {}).consumer('g-b', pipeline(async () => {})).publishTo).to.equal(undefined);
  });

  it('runs each delivery on the pipeline current when it starts (a hot reload swaps it under the transport)', async () => {
    const ran: string[] = [];
    let current = pipelineOf(async (e) => { ran.push(`old ${e.data.n}`); });
    const consumer = new LocalFunction('f', undefined, () => {}).consumer('f-b', () => current);
    await consumer.deliver(tick(1), 1);
    current = pipelineOf(async (e) => { ran.push(`new ${e.data.n}`); });
    await consumer.deliver(tick(2), 1);
    expect(ran).to.deep.equal(['old 1', 'new 2']);
  });
});
