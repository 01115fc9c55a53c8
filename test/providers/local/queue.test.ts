import { expect } from 'chai';
import type { Envelope } from '../../../contracts';
import type { Outcome } from '../../../runtime';
import { LocalQueue, WorkTracker, type DeadLetter } from '../../../providers/local';
import { deadLetter, ok, retry, scriptedConsumer, sleep, tick, until } from './fixtures';

function queueWith(consumer: ReturnType<typeof scriptedConsumer>['consumer'], extra: Partial<ConstructorParameters<typeof LocalQueue>[0]> = {}) {
  const work = new WorkTracker();
  const letters: DeadLetter[] = [];
  const queue = new LocalQueue({ name: 'queue q', consumer, maxAttempts: 5, deadLetter: (l) => letters.push(l), work, ...extra });
  return { queue, work, letters };
}

describe('local queue', () => {
  it('delivers, and settles the work when the consumer succeeds', async () => {
    const { consumer, calls } = scriptedConsumer((e) => ok(e));
    const { queue, work } = queueWith(consumer);
    queue.send(tick(1));
    queue.send(tick(2));
    expect(work.count).to.equal(2);
    await work.idle();
    expect(calls.map((c) => c.attempt)).to.deep.equal([1, 1]);
    expect(queue.depth).to.equal(0);
  });

  it('waits out each retry delay before the next attempt', async () => {
    const delays = [10, 30, 60];
    const { consumer, calls } = scriptedConsumer((e, attempt) => (attempt <= delays.length ? retry(e, delays[attempt - 1]!) : ok(e)));
    const { queue, work } = queueWith(consumer);
    queue.send(tick(1));
    await work.idle();
    expect(calls.map((c) => c.attempt)).to.deep.equal([1, 2, 3, 4]);
    for (let i = 0; i < delays.length; i++) {
      // Node timers may fire up to 1 ms early by their own rounding; never more.
      expect(calls[i + 1]!.at - calls[i]!.at, `gap after attempt ${i + 1}`).to.be.at.least(delays[i]! - 1);
    }
  });

  it('keeps a dead letter with its reason, attempts and last error', async () => {
    const { consumer } = scriptedConsumer((e, attempt) => (attempt < 3 ? retry(e, 1) : deadLetter(e, 'gave up after 3 attempts: Error: last')));
    const { queue, work, letters } = queueWith(consumer);
    const event = tick(7);
    queue.send(event);
    await work.idle();
    expect(letters).to.have.length(1);
    expect(letters[0]).to.include({ id: event.id, type: 'Tick.v1', function: 'fn', subscription: 'fn-sub', attempts: 3 });
    expect(letters[0]!.reason).to.equal('gave up after 3 attempts: Error: last');
    expect(letters[0]!.lastError).to.equal('Error: last');
    expect(letters[0]!.event).to.equal(event);
  });

  it('delivers a deferred event again after its delay without counting an attempt', async () => {
    const deferred = (e: Envelope): Outcome => ({ kind: 'deferred', envelope: e, reason: 'another delivery of this event is being handled', delayMs: 15, durationMs: 0 });
    const { consumer, calls } = scriptedConsumer((e) => (calls.length < 3 ? deferred(e) : ok(e)));
    const { queue, work } = queueWith(consumer, { maxAttempts: 2 });
    queue.send(tick(1));
    await work.idle();
    expect(calls.map((c) => c.attempt)).to.deep.equal([1, 1, 1]);
    expect(calls[1]!.at - calls[0]!.at).to.be.at.least(14);
  });

  it("records the pipeline's attempt count on a dead letter (copies of the event share it)", async () => {
    const { consumer } = scriptedConsumer((e) => ({ ...deadLetter(e, 'gave up after 5 attempts: Error: last'), attempt: 5 }));
    const { queue, work, letters } = queueWith(consumer);
    queue.send(tick(1));
    await work.idle();
    expect(letters[0]!.attempts).to.equal(5);
  });

  it('makes an event visible again when its delivery outlives the visibility timeout, counting an attempt', async () => {
    let release!: () => void;
    const hung = new Promise<void>((resolve) => { release = resolve; });
    const { consumer, calls } = scriptedConsumer(async (e, attempt) => {
      if (attempt === 1) await hung;
      return ok(e);
    });
    const { queue, work } = queueWith(consumer, { visibilityMs: 20 });
    queue.send(tick(1));
    await until(() => calls.length === 2, 1000, 'the redelivery');
    expect(calls.map((c) => c.attempt)).to.deep.equal([1, 2]);
    await work.idle();
    release();
    await sleep(5);
    // The late result of the expired delivery is ignored: nothing is settled twice.
    expect(work.count).to.equal(0);
    expect(calls).to.have.length(2);
  });

  it('dead-letters an event whose last allowed delivery outlives the visibility timeout', async () => {
    const { consumer } = scriptedConsumer(() => new Promise(() => {}));
    const { queue, work, letters } = queueWith(consumer, { visibilityMs: 5, maxAttempts: 2 });
    queue.send(tick(1));
    await work.idle();
    expect(letters[0]!.attempts).to.equal(2);
    expect(letters[0]!.reason).to.match(/^gave up after 2 attempts: visibility timeout of 5 ms expired/);
  });

  it('never runs more deliveries at once than the function allows', async () => {
    let running = 0;
    let most = 0;
    const { consumer } = scriptedConsumer(async (e) => {
      most = Math.max(most, ++running);
      await sleep(5);
      running--;
      return ok(e);
    }, 2);
    const { queue, work } = queueWith(consumer);
    for (let i = 0; i < 8; i++) queue.send(tick(i));
    await work.idle();
    expect(most).to.equal(2);
  });

  it('delivers in order per key when ordered, a retry holding its key', async () => {
    const order: string[] = [];
    const { consumer } = scriptedConsumer(async (e, attempt) => {
      const { n, key } = e.data as { n: number; key: string };
      order.push(`${key}${n}#${attempt}`);
      await sleep(n === 1 ? 15 : 1);
      return n === 1 && attempt === 1 ? retry(e, 10) : ok(e);
    });
    const { queue, work } = queueWith(consumer, { orderKey: (e) => (e.data as { key: string }).key });
    queue.send(tick(1, { key: 'a' }));
    queue.send(tick(2, { key: 'a' }));
    queue.send(tick(3, { key: 'b' }));
    await work.idle();
    const a = order.filter((o) => o.startsWith('a'));
    expect(a).to.deep.equal(['a1#1', 'a1#2', 'a2#1']);
    // b is not held up by a's retry.
    expect(order.indexOf('b3#1')).to.be.below(order.indexOf('a1#2'));
  });

  it('close() reports what was queued, retrying and in flight, and ignores late results', async () => {
    const { consumer } = scriptedConsumer(async (e) => {
      const { n } = e.data as { n: number };
      if (n === 1) return retry(e, 10_000);
      await sleep(50);
      return ok(e);
    }, 2);
    const { queue, work } = queueWith(consumer);
    [1, 2, 3, 4].forEach((n) => queue.send(tick(n)));
    await until(() => queue.depth === 4 && work.count === 4, 500, 'deliveries to start');
    await sleep(5);
    const left = queue.close();
    expect(left.map((u) => `${(u.event.data as { n: number }).n}:${u.state}`).sort()).to.deep.equal(['1:retrying', '2:in-flight', '3:in-flight', '4:queued']);
    expect(left.find((u) => u.state === 'retrying')!.attempt).to.equal(2);
    expect(work.count).to.equal(0);
    await sleep(60);
    expect(work.count).to.equal(0);
  });
});
