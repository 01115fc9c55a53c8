/**
 * Concurrent copies of one event (issue 8, item 5), through the whole local runtime: a copy that arrives
 * while the first is in flight waits for it, only a handler failure counts an attempt, and one event id
 * makes at most one dead letter per subscription.
 */
import { expect } from 'chai';
import { topology, type HandlerDefinition, type Topology } from '../../../contracts';
import { silentLogger } from '../../../runtime';
import { LOCAL_DIRECT_ATTEMPTS } from '../../../providers/local/delivery';
import { createLocalRuntime, type DeliveryRecord } from '../../../providers/local';
import { Tick, recordingHandler, tick } from './fixtures';

const H = 'functions/unused.ts';

function start(t: Topology, handlers: Record<string, HandlerDefinition>) {
  const runtime = createLocalRuntime(t, { logger: silentLogger, backoff: { baseMs: 1, capMs: 4, random: () => 0.5 }, handlers, schedules: false });
  const records: DeliveryRecord[] = [];
  runtime.onDelivery((r) => records.push(r));
  return { runtime, records };
}

const count = (records: readonly DeliveryRecord[], outcome: DeliveryRecord['outcome']) => records.filter((r) => r.outcome === outcome).length;

/** A direct subscription, and one through a queue (its own attempts, a visibility lease). */
const channels: Array<[string, (app: ReturnType<typeof topology>) => void, number]> = [
  ['a direct subscription', (app) => { app.fn('f', { handler: H, timeout: '5s' }).subscribe(app.bus('b'), { events: [Tick] }); }, LOCAL_DIRECT_ATTEMPTS],
  ['a queued subscription', (app) => {
    app.fn('f', { handler: H, timeout: '5s' }).subscribe(app.bus('b'), { events: [Tick], via: app.queue('q', { maxAttempts: 5 }) });
  }, 5],
];

describe('local runtime: concurrent copies of one event', () => {
  for (const [what, declare, maxAttempts] of channels) {
    describe(what, () => {
      it('runs a slow handler once for 10 overlapping copies; the other 9 are duplicates, none dead-lettered', async () => {
        const app = topology('t');
        declare(app);
        // Slow next to the retry backoff (1-4 ms): before the fix each copy used up its attempts waiting.
        const h = recordingHandler(() => 300);
        const { runtime, records } = start(app.build(), { f: h.handler });
        const event = tick(1);
        await Promise.all(Array.from({ length: 10 }, () => runtime.publish([event])));
        await runtime.idle();
        expect(h.calls).to.have.length(1);
        expect(runtime.deadLetters.size).to.equal(0);
        expect(count(records, 'ok')).to.equal(1);
        expect(count(records, 'duplicate')).to.equal(9);
        expect(count(records, 'dead-letter')).to.equal(0);
      });

      it(`runs a poison event delivered as 50 concurrent copies ${maxAttempts} times in all, and dead-letters it once`, async () => {
        const app = topology('t');
        declare(app);
        const h = recordingHandler(() => 5);
        const { runtime, records } = start(app.build(), { f: h.handler });
        const event = tick(1, { fail: true });
        await Promise.all(Array.from({ length: 50 }, () => runtime.publish([event])));
        await runtime.idle();
        expect(h.calls.map((c) => c.attempt)).to.deep.equal(Array.from({ length: maxAttempts }, (_, i) => i + 1));
        expect(h.stats.maxPerKey, 'never two runs of one event at once').to.equal(1);
        const letters = runtime.deadLetters.list();
        expect(letters).to.have.length(1);
        expect(letters[0]).to.include({ id: event.id, subscription: 'f-b', attempts: maxAttempts });
        expect(letters[0]!.reason).to.equal(`gave up after ${maxAttempts} attempts: Error: tick 1 fails`);
        expect(count(records, 'dead-letter')).to.equal(1);
        expect(count(records, 'retry')).to.equal(maxAttempts - 1);
      });
    });
  }

  it('redrives a dead-lettered event that copies saw given up: it runs again from attempt 1', async () => {
    const app = topology('t');
    channels[0]![1](app);
    const h = recordingHandler();
    const { runtime } = start(app.build(), { f: h.handler });
    const event = tick(1, { fail: true });
    for (let i = 0; i < 3; i++) await runtime.publish([event]);
    await runtime.idle();
    expect(h.calls).to.have.length(LOCAL_DIRECT_ATTEMPTS);
    expect(await runtime.redrive({ id: event.id })).to.equal(1);
    await runtime.idle();
    expect(h.calls.map((c) => c.attempt).slice(LOCAL_DIRECT_ATTEMPTS)).to.deep.equal([1, 2, 3]);
    expect(runtime.deadLetters.size).to.equal(1);
  });
});
