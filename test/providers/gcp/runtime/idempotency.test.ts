/**
 * The Firestore idempotency store against a real Firestore: Google's emulator (firestore-emulator.ts),
 * one for the file. The claim rules are the ones every store keeps (runtime/idempotency.ts); the clock is
 * injected, the documents are Firestore's.
 */
import { Firestore, Timestamp } from '@google-cloud/firestore';
import { expect } from 'chai';
import { EXPIRY_FIELD, FirestoreIdempotencyStore, documentId } from '../../../../providers/gcp/runtime/idempotency';
import type { IdempotencyKey } from '../../../../runtime/idempotency';
import { startFirestoreEmulator, type FirestoreEmulator } from './firestore-emulator';

const TTL = 3_600;
const HOLD = 15;

describe('providers/gcp/runtime/idempotency against the Firestore emulator', function () {
  this.timeout(120_000);
  let emulator: FirestoreEmulator | undefined;
  let db: Firestore;
  let now = Date.parse('2026-03-01T10:00:00Z');
  let n = 0;
  const key = (): IdempotencyKey => ({ scope: 'charge-payment', source: 'shop.orders', id: `e-${++n}` });
  const store = () => new FirestoreIdempotencyStore({ project: 'herald-test', collection: 'idempotency', client: db, inProgressSeconds: HOLD, now: () => now });

  before(async () => {
    emulator = await startFirestoreEmulator();
    const previous = process.env.FIRESTORE_EMULATOR_HOST;
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    db = new Firestore({ projectId: 'herald-test' });
    if (previous === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = previous;
  });

  after(async () => {
    await db?.terminate();
    await emulator?.stop();
  });

  it('claims a new key as attempt 1 with one create(), in a document the TTL policy can expire', async () => {
    const k = key();
    expect(await store().begin(k, TTL)).to.deep.equal({ state: 'claimed', attempt: 1 });
    const doc = (await db.collection('idempotency').doc(documentId(k)).get()).data()!;
    expect(doc).to.deep.include({ scope: 'charge-payment', source: 'shop.orders', eventId: k.id, state: 'in-progress', attempts: 1 });
    expect(doc[EXPIRY_FIELD]).to.be.instanceOf(Timestamp);
    expect((doc[EXPIRY_FIELD] as Timestamp).toMillis()).to.equal(now + TTL * 1000);
    expect((doc.holdUntil as Timestamp).toMillis()).to.equal(now + HOLD * 1000);
  });

  it('refuses a held key until its hold lapses, then claims it again counting on', async () => {
    const s = store();
    const k = key();
    await s.begin(k, TTL);
    expect(await s.begin(k, TTL)).to.deep.equal({ state: 'in-progress', until: now + HOLD * 1000 });
    now += HOLD * 1000;
    expect(await s.begin(k, TTL)).to.deep.equal({ state: 'claimed', attempt: 2 });
  });

  it('keeps the attempts across a release, and makes every later copy a duplicate once completed or given up', async () => {
    const s = store();
    const done = key();
    await s.begin(done, TTL);
    await s.release(done, TTL);
    expect(await s.begin(done, TTL)).to.deep.equal({ state: 'claimed', attempt: 2 });
    await s.complete(done, TTL);
    expect(await s.begin(done, TTL)).to.deep.equal({ state: 'completed' });
    const given = key();
    await s.begin(given, TTL);
    await s.giveUp(given, TTL);
    expect(await s.begin(given, TTL)).to.deep.equal({ state: 'dead-lettered' });
    const doc = (await db.collection('idempotency').doc(documentId(given)).get()).data()!;
    expect(doc).to.not.have.property('holdUntil');
  });

  it('starts again from attempt 1 after forget (a redrive) and past the time to live (TTL deletion lags)', async () => {
    const s = store();
    const forgotten = key();
    await s.begin(forgotten, TTL);
    await s.giveUp(forgotten, TTL);
    await s.forget(forgotten);
    expect(await s.begin(forgotten, TTL)).to.deep.equal({ state: 'claimed', attempt: 1 });
    const expired = key();
    await s.begin(expired, TTL);
    await s.complete(expired, TTL);
    now += TTL * 1000;
    expect(await s.begin(expired, TTL)).to.deep.equal({ state: 'claimed', attempt: 1 });
  });

  it('grants one claim to copies that race for a new key; the others see it held', async () => {
    const k = key();
    const claims = await Promise.all(Array.from({ length: 5 }, () => store().begin(k, TTL)));
    expect(claims.filter((c) => c.state === 'claimed')).to.deep.equal([{ state: 'claimed', attempt: 1 }]);
    expect(claims.filter((c) => c.state === 'in-progress')).to.have.length(4);
  });
});
