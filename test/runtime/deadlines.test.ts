import { expect } from 'chai';
import { DeadlineQueue } from '../../runtime';

const after = (ms: number, value: string) => new Promise<string>((resolve) => setTimeout(() => resolve(value), ms));
const never = () => new Promise<string>(() => undefined);
const outcome = (p: Promise<string>) => p.then((v) => `ok:${v}`, (e: Error) => `failed:${e.message}`);

describe('DeadlineQueue', () => {
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
