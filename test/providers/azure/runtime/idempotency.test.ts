/**
 * The Table Storage idempotency store against a real Table service (Azurite): conditional inserts and
 * ETag replaces decide every claim, so copies share one attempt count and one outcome.
 */
import { expect } from 'chai';
import { handler as chargePayment } from '../../../../functions/charge-payment';
import { createAzureFunction, IDEMPOTENCY_SWEEP } from '../../../../providers/azure/runtime/entry';
import { TableIdempotencyStore } from '../../../../providers/azure/runtime/idempotency';
import { recordingClients } from '../../../../providers/azure/recording-clients';
import { startAzurite, type Azurite } from '../../../helpers/azurite';

describe('providers/azure/runtime/idempotency (Table Storage, on Azurite)', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let table = 0;
  let now = 1_800_000_000_000;
  const key = (id = 'e1') => ({ scope: 'charge-payment', source: 'shop.orders', id });

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
  });

  async function store(inProgressSeconds = 30): Promise<TableIdempotencyStore> {
    const client = azurite.table(`claims${++table}`);
    await client.createTable();
    return new TableIdempotencyStore({ client, inProgressSeconds, now: () => now });
  }

  it('claims a new event as attempt 1, and refuses a copy while the claim is held', async () => {
    const s = await store();
    expect(await s.begin(key(), 3600)).to.deep.equal({ state: 'claimed', attempt: 1 });
    expect(await s.begin(key(), 3600)).to.deep.equal({ state: 'in-progress', until: now + 30_000 });
  });

  it('counts attempts across releases, whichever copy claims', async () => {
    const s = await store();
    await s.begin(key(), 3600);
    await s.release(key(), 3600);
    expect(await s.begin(key(), 3600)).to.deep.equal({ state: 'claimed', attempt: 2 });
    await s.release(key(), 3600);
    expect(await s.begin(key(), 3600)).to.deep.equal({ state: 'claimed', attempt: 3 });
  });

  it('answers completed and dead-lettered events as such, until forgotten', async () => {
    const s = await store();
    await s.begin(key('done'), 3600);
    await s.complete(key('done'), 3600);
    expect(await s.begin(key('done'), 3600)).to.deep.equal({ state: 'completed' });
    await s.begin(key('lost'), 3600);
    await s.giveUp(key('lost'), 3600);
    expect(await s.begin(key('lost'), 3600)).to.deep.equal({ state: 'dead-lettered' });
    await s.forget(key('lost'));
    expect(await s.begin(key('lost'), 3600)).to.deep.equal({ state: 'claimed', attempt: 1 });
  });

  it('lets a claim whose hold lapsed (a dead instance) be taken, as the next attempt', async () => {
    const s = await store(10);
    await s.begin(key(), 3600);
    now += 11_000;
    expect(await s.begin(key(), 3600)).to.deep.equal({ state: 'claimed', attempt: 2 });
  });

  it('treats a record past its time to live as absent, and sweeps it', async () => {
    const s = await store(600);
    await s.begin(key('old'), 60);
    await s.complete(key('old'), 60);
    await s.begin(key('young'), 3600);
    now += 61_000;
    expect(await s.sweep('charge-payment')).to.equal(1);
    expect(await s.begin(key('old'), 60)).to.deep.equal({ state: 'claimed', attempt: 1 });
    expect(await s.begin(key('young'), 3600)).to.have.property('state', 'in-progress');
  });

  it("is swept by the function app's hourly timer, not at each instance's start", async () => {
    const s = await store(600);
    await s.begin(key('old'), 60);
    await s.complete(key('old'), 60);
    now += 61_000;
    const built = createAzureFunction(chargePayment, {
      config: {
        kind: 'function', name: 'charge-payment', timeoutMs: 10_000, identityClientId: 'client-1', allowedPublishes: [], channels: [], triggers: [],
        deadLetter: { endpoint: 'https://shopherald.blob.core.windows.net', container: 'dead-letters' },
      },
      idempotency: s, clients: recordingClients(() => {}), logger: { debug() {}, info() {}, warn() {}, error() {} }, now: () => now,
    });
    const timer = built.registrations.find((r) => r.name === IDEMPOTENCY_SWEEP.name)!;
    expect(timer).to.deep.include({ kind: 'timer', options: { schedule: '0 41 * * * *', runOnStartup: false, useMonitor: true } });
    // The expired claim was still there for the timer: building the app swept nothing.
    expect(await timer.run({ input: {} })).to.deep.equal({ deleted: 1 });
    expect(await s.begin(key('old'), 60)).to.deep.equal({ state: 'claimed', attempt: 1 });
  });

  it('grants exactly one of many concurrent claims', async () => {
    const s = await store();
    const claims = await Promise.all(Array.from({ length: 8 }, () => s.begin(key('race'), 3600)));
    expect(claims.filter((c) => c.state === 'claimed')).to.have.length(1);
    expect(claims.filter((c) => c.state === 'in-progress')).to.have.length(7);
  });

  it('keeps functions apart: one function\'s claim does not hold another\'s', async () => {
    const s = await store();
    await s.begin(key(), 3600);
    expect(await s.begin({ ...key(), scope: 'audit-orders' }, 3600)).to.deep.equal({ state: 'claimed', attempt: 1 });
  });
});
