import { expect } from 'chai';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DeadlineQueue } from '../../runtime';

/** A full garbage collection, on demand (the flag exposes `gc` to contexts made after it is set). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const after = (ms: number, value: string) => new Promise<string>((resolve) => setTimeout(() => resolve(value), ms));
const never = () => new Promise<string>(() => undefined);
const outcome = (p: Promise<string>) => p.then((v) => `ok:${v}`, (e: Error) => `failed:${e.message}`);

describe('DeadlineQueue', () => {
  it('keeps nothing of a settled invocation alive, even while it waits behind an earlier one still running', async () => {
    // arrange: an invocation still running (the queue's head), then one that settles behind it
    const q = new DeadlineQueue(60_000);
    q.track(() => undefined);
    // The event is reachable only through the invocation's closure, as a pipeline's is.
    const invoke = () => {
      const event = { data: 'x'.repeat(1_000) };
      return { held: new WeakRef(event), entry: q.track(() => { void event.data; }) };
    };
    const { held, entry } = invoke();

    // act
    q.settle(entry);
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();

    // assert: the settled entry's closure (and what it captured) is gone, not kept until the head passes it
    expect(held.deref()).to.equal(undefined);
  });

  it('settles with the work when it finishes in time', async () => {
    const q = new DeadlineQueue(200);
    expect(await outcome(q.run(after(5, 'a'), () => new Error('late')))).to.equal('ok:a');
  });

  it('rejects each overdue invocation, while those in time still succeed', async () => {
    const q = new DeadlineQueue(40);
    const results = await Promise.all([
      outcome(q.run(never(), () => new Error('first'))),
      outcome(q.run(after(5, 'quick'), () => new Error('x'))),
      outcome(q.run(never(), () => new Error('third'))),
    ]);
    expect(results).to.deep.equal(['failed:first', 'ok:quick', 'failed:third']);
  });

  it('times out invocations started later, after earlier ones settled', async () => {
    const q = new DeadlineQueue(30);
    expect(await outcome(q.run(after(1, 'a'), () => new Error('x')))).to.equal('ok:a');
    await after(40, '');
    const started = Date.now();
    expect(await outcome(q.run(never(), () => new Error('b')))).to.equal('failed:b');
    expect(Date.now() - started).to.be.within(25, 200);
  });

  it('passes on the work\'s own failure', async () => {
    const q = new DeadlineQueue(100);
    expect(await outcome(q.run(Promise.reject(new Error('boom')), () => new Error('x')))).to.equal('failed:boom');
  });
});
