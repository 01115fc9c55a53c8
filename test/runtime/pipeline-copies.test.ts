/** runtime/pipeline.ts with copies of one event: waiting, deferring, shared attempts, one give-up. */
import { expect } from 'chai';
import { NonRetryableError, on, type Envelope, type HandlerDefinition } from '../../contracts';
import {
  EventRegistry, InMemoryIdempotencyStore, Pipeline, RecordingPublisher, newEnvelope,
  type Claim, type IdempotencyStore, type Outcome, type PipelineOptions,
} from '../../runtime';
import { OrderPlaced, allEvents } from '../../app/events';

const order = { orderId: 'o-1', amount: 42, currency: 'EUR', customerEmail: 'ada@example.com', items: [{ sku: 'tea', quantity: 2, unitPrice: 21 }], channel: 'web' };
const event = () => newEnvelope(OrderPlaced, order);

function pipeline(handler: HandlerDefinition, options: Partial<PipelineOptions> = {}) {
  return new Pipeline({
    functionName: 'test-fn', handler, registry: new EventRegistry(allEvents), publisher: new RecordingPublisher(), maxAttempts: 5,
    idempotency: new InMemoryIdempotencyStore(), backoff: { baseMs: 1, capMs: 2 }, ...options,
  });
}

/** A handler that waits until released, failing while `fail` holds; it records the attempt of every run. */
function gatedHandler() {
  const attempts: number[] = [];
  let open: () => void = () => {};
  const state = { fail: false };
  const handler = on(OrderPlaced, async (_e, ctx) => {
    attempts.push(ctx.attempt);
    await new Promise<void>((resolve) => { open = resolve; });
    if (state.fail) throw new Error('down');
  });
  return { handler, attempts, state, release: () => open() };
}

/** Whether `promise` has settled once queued callbacks have run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/** Delivers one copy the way a transport does: a retry counts an attempt, a deferral does not. Resolves with its final outcome. */
async function transport(p: Pipeline, e: Envelope, kinds: Outcome['kind'][]): Promise<Outcome> {
  let attempt = 1;
  for (;;) {
    const outcome = await p.process(e, { attempt });
    kinds.push(outcome.kind);
    if (outcome.kind !== 'retry' && outcome.kind !== 'deferred') return outcome;
    if (outcome.kind === 'retry') attempt++;
    await new Promise((resolve) => setTimeout(resolve, outcome.delayMs));
  }
}

describe('Pipeline: copies of one event', () => {
  it('a copy arriving while the first is in flight waits for it, and is a duplicate once it succeeds', async () => {
    const h = gatedHandler();
    const p = pipeline(h.handler);
    const e = event();
    const first = p.process(e, { attempt: 1 });
    const copy = p.process(e, { attempt: 1 });
    expect(await isSettled(copy), 'the copy waits').to.equal(false);
    h.release();
    expect((await first).kind).to.equal('ok');
    expect((await copy).kind).to.equal('duplicate');
    expect(h.attempts).to.deep.equal([1]);
  });

  it("keeps a waiting copy out of the way of the first one's retry, which runs as attempt 2", async () => {
    const h = gatedHandler();
    h.state.fail = true;
    const p = pipeline(h.handler);
    const e = event();
    const first = p.process(e, { attempt: 1 });
    const copy = p.process(e, { attempt: 1 });
    h.release();
    expect((await first).kind).to.equal('retry');
    expect(await isSettled(copy), 'a failed attempt does not end the wait').to.equal(false);
    h.state.fail = false;
    const retry = p.process(e, { attempt: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    h.release();
    expect(await retry).to.include({ kind: 'ok', attempt: 2 });
    expect((await copy).kind).to.equal('duplicate');
    expect(h.attempts).to.deep.equal([1, 2]);
  });

  it('runs a poison event at most maxAttempts times over 20 concurrent copies, and gives it up once', async () => {
    let runs = 0;
    const p = pipeline(on(OrderPlaced, async () => { runs++; await new Promise((resolve) => setTimeout(resolve, 2)); throw new Error('poison'); }));
    const e = event();
    const kinds: Outcome['kind'][] = [];
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => transport(p, e, kinds)));
    expect(runs).to.equal(5);
    const given = outcomes.filter((o) => o.kind === 'dead-letter');
    expect(given).to.have.length(1);
    expect(given[0]).to.include({ attempt: 5, reason: 'gave up after 5 attempts: Error: poison' });
    expect(outcomes.filter((o) => o.kind === 'duplicate')).to.have.length(19);
    expect(kinds.filter((k) => k === 'retry')).to.have.length(4);
  });

  it('defers a copy, counting no attempt, when another process holds the event: back after the hold or one timeout', async () => {
    let runs = 0;
    let claim: Claim = { state: 'in-progress', until: Date.now() + 60_000 };
    const elsewhere: IdempotencyStore = { begin: () => claim, complete() {}, release() {}, giveUp() {}, forget() {} };
    const p = pipeline(on(OrderPlaced, async () => { runs++; }), { idempotency: elsewhere, timeoutMs: 2_000 });
    const e = event();
    const deferred = await p.process(e, { attempt: 3 });
    expect(deferred).to.include({ kind: 'deferred', delayMs: 2_000, reason: 'another delivery of this event is being handled' });
    claim = { state: 'in-progress', until: Date.now() + 500 };
    expect((await p.process(e, { attempt: 3 }) as { delayMs: number }).delayMs).to.be.within(490, 500);
    claim = { state: 'completed' };
    expect((await p.process(e, { attempt: 4 })).kind).to.equal('duplicate');
    expect(runs).to.equal(0);
  });

  it('stops waiting after one timeout when the event is never done, and the deferred copy then takes its turn', async () => {
    const store = new InMemoryIdempotencyStore();
    const h = gatedHandler();
    const p = pipeline(h.handler, { idempotency: store, timeoutMs: 40 });
    const e = event();
    store.begin({ scope: 'test-fn', source: e.source, id: e.id }, 60); // a holder that never settles
    const waited = await p.process(e, { attempt: 1 });
    expect(waited).to.include({ kind: 'deferred', delayMs: 40 });
    store.release({ scope: 'test-fn', source: e.source, id: e.id }, 60);
    const turn = p.process(e, { attempt: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    h.release();
    expect(await turn).to.include({ kind: 'ok', attempt: 2 });
  });

  it('makes every copy of an event given up on a duplicate, until it is forgotten for a redrive', async () => {
    const attempts: number[] = [];
    const p = pipeline(on(OrderPlaced, async (_e, ctx) => { attempts.push(ctx.attempt); throw new NonRetryableError('card stolen'); }));
    const e = event();
    expect(await p.process(e, { attempt: 1 })).to.include({ kind: 'dead-letter', reason: 'NonRetryableError: card stolen' });
    expect((await p.process(e, { attempt: 1 })).kind).to.equal('duplicate');
    p.forget(e);
    expect((await p.process(e, { attempt: 1 })).kind).to.equal('dead-letter');
    expect(attempts).to.deep.equal([1, 1]);
  });

  it('never rejects when the store fails: a failed claim is a counted retry, a failed release keeps the outcome', async () => {
    let runs = 0;
    const broken: IdempotencyStore = {
      begin: async () => { throw new Error('throttled'); }, complete() {}, release() {}, giveUp() {}, forget() {},
    };
    const e = event();
    const failing = pipeline(on(OrderPlaced, async () => { runs++; }), { idempotency: broken });
    expect(await failing.process(e, { attempt: 2 })).to.include({ kind: 'retry', reason: 'Error: throttled', attempt: 2 });
    const unreleasable: IdempotencyStore = {
      begin: () => ({ state: 'claimed', attempt: 1 }), complete() {}, release: async () => { throw new Error('throttled'); }, giveUp() {}, forget() {},
    };
    const p = pipeline(on(OrderPlaced, async () => { runs++; throw new Error('down'); }), { idempotency: unreleasable });
    expect(await p.process(e, { attempt: 1 })).to.include({ kind: 'retry', reason: 'Error: down' });
    expect(runs).to.equal(1);
  });
});
