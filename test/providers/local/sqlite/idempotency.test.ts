import { expect } from 'chai';
import { durableIdempotency } from '../../../../providers/local';
import { tempStates } from './temp-state';

const key = (id: string, scope = 'f') => ({ scope, source: 'test', id });
const TTL = 60;
/** Records stored, in all rows. */
const rows = (state: { db: any }) => (state.db.prepare('SELECT coalesce(sum(count), 0) AS n FROM idempotency_records').get() as { n: number }).n;

describe('idempotency in the state database (sqlite/idempotency.ts)', () => {
  const states = tempStates();

  it('after a reopen, a handled or given-up event is a duplicate, and a claim of the dead process is nobody\'s', async () => {
    const file = states.file();
    const first = states.open(file);
    const store = durableIdempotency(first);
    for (const id of ['done', 'dead', 'held', 'released']) expect(store.begin(key(id), TTL).state).to.equal('claimed');
    store.complete(key('done'), TTL);
    store.giveUp(key('dead'), TTL);
    store.release(key('released'), TTL);
    await first.write(() => undefined);
    first.close();
    const reopened = durableIdempotency(states.open(file));
    expect(['done', 'dead', 'held', 'released', 'new'].map((id) => reopened.begin(key(id), TTL).state))
      .to.deep.equal(['completed', 'dead-lettered', 'claimed', 'claimed', 'claimed']);
    expect(reopened.begin(key('done', 'g'), TTL).state, 'per function').to.equal('claimed');
  });

  it('a redrive\'s forget survives a reopen, and a record past its time to live is neither loaded nor kept', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const file = states.file();
    const first = states.open(file);
    const store = durableIdempotency(first, { now });
    store.begin(key('redriven'), TTL);
    store.giveUp(key('redriven'), TTL);
    store.forget(key('redriven'));
    store.begin(key('long'), TTL);
    store.complete(key('long'), TTL);
    await first.write(() => undefined);
    // A turn's records are one row, deleted once all of them expired: short in a turn of its own.
    store.begin(key('short'), 1);
    store.complete(key('short'), 1);
    await first.write(() => undefined);
    first.close();
    clock += 2_000;
    const second = states.open(file);
    const reopened = durableIdempotency(second, { now });
    expect(['redriven', 'short', 'long'].map((id) => reopened.begin(key(id), TTL).state)).to.deep.equal(['claimed', 'claimed', 'completed']);
    await second.write(() => undefined);
    expect(rows(second), 'the expired record is deleted at open; the tombstone stays with what it hides').to.equal(3);
  });

  it('is bounded in the table as in memory: a function keeps about its newest maxEntries', async () => {
    const file = states.file();
    const state = states.open(file);
    const store = durableIdempotency(state, { maxEntries: 10 });
    for (let i = 0; i < 100; i++) {
      store.begin(key(`e${i}`), TTL);
      store.complete(key(`e${i}`), TTL);
      await state.write(() => undefined);
      expect(rows(state)).to.be.at.most(10);
    }
    state.close();
    const reopened = durableIdempotency(states.open(file), { maxEntries: 10 });
    expect(reopened.begin(key('e99'), TTL).state).to.equal('completed');
    expect(reopened.begin(key('e0'), TTL).state).to.equal('claimed');
  });
});
