/**
 * The crash test, as a user's would run it: a real `herald dev` process on a state file takes
 * 2,000 orders (one in ten poison: charge-payment fails it every time), is killed with SIGKILL while
 * deliveries and retries are in flight, and is started again on the same file. Accepted means stored:
 * every good order ends up handled by every function it reaches, exactly once as far as any trace shows;
 * every poison order is dead-lettered by charge-payment after its 5 attempts; nothing settled before the
 * kill runs again.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startDev, traceOf, until, type DevProcess } from './dev-process';
import { SOURCE, http, order } from './helpers';

const EVENTS = 2_000;
const BATCH = 100;
const poisoned = (n: number) => n % 10 === 0;
const idOf = (n: number) => `crash-${n}`;

/** What each good order's trace holds once handled: one `ok` per function and event it reaches. */
const GOOD = [
  'audit-orders OrderPlaced.v2', 'audit-orders PaymentReceived.v1', 'charge-payment OrderPlaced.v2',
  'confirm-order PaymentReceived.v1', 'notify-warehouse OrderConfirmed.v1', 'send-confirmation OrderConfirmed.v1',
];

function batch(from: number): string {
  return JSON.stringify(Array.from({ length: BATCH }, (_, i) => {
    const n = from + i;
    return {
      specversion: '1.0', id: idOf(n), source: SOURCE, type: 'OrderPlaced.v2',
      data: order(`o-${n}`, { channel: 'web', ...(poisoned(n) ? { customerEmail: `p${n}@fail.example` } : {}) }),
    };
  }));
}

/** Delivery lines `herald dev` printed so far. */
const deliveries = (dev: DevProcess) => (dev.out.stdout.match(/ #\d+ {2}/g) ?? []).length;

describe('herald dev after kill -9 mid-flight (2,000 orders, 10 % poison)', function () {
  this.timeout(180_000);

  it('delivers every accepted event to each subscription that owed it, dead-letters poison after 5 attempts, and runs nothing settled again', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'herald-crash-'));
    const args = ['--state', path.join(cwd, 'state.db')];
    const env = { HERALD_BACKOFF_BASE_MS: '100' };
    let first: DevProcess | undefined;
    let second: DevProcess | undefined;
    try {
      // arrange: every order accepted (202), then a kill once a quarter of the deliveries are done
      first = await startDev(cwd, args, env);
      for (let from = 0; from < EVENTS; from += BATCH) {
        const r = await http(`${first.url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: batch(from) });
        expect(r.status, JSON.stringify(r.body)).to.equal(202);
      }
      const f = first;
      await until(() => (deliveries(f) >= (EVENTS * GOOD.length) / 4 ? true : undefined), 60_000, 'a quarter of the deliveries');

      // act
      first.child.kill('SIGKILL');
      await first.exited;
      const before = deliveries(first);
      second = await startDev(cwd, args, env);
      const s = second;
      await until(async () => ((await http(`${s.url}/healthz`)).body.pending === 0 ? true : undefined), 120_000, 'nothing owed');

      // assert: the kill came mid-flight
      const resumed = Number(/^resuming (\d+) deliver(?:y|ies) owed from the last run$/m.exec(second.out.stdout)?.[1] ?? 0);
      expect(resumed, 'deliveries owed at the kill').to.be.greaterThan(0);
      expect(before, 'deliveries done before the kill').to.be.lessThan(EVENTS * GOOD.length);

      const letters: any[] = (await http(`${s.url}/dlq`)).body;
      expect(letters.map((l) => l.id).sort()).to.deep.equal(Array.from({ length: EVENTS }, (_, n) => n).filter(poisoned).map(idOf).sort());
      for (const l of letters) expect(l, l.id).to.include({ function: 'charge-payment', attempts: 5 });

      for (let n = 0; n < EVENTS; n++) {
        const trace = await traceOf(s.url, idOf(n));
        const oks = trace.filter((e) => e.outcome === 'ok').map((e) => `${e.function} ${e.type}`).sort();
        // Each subscription ran each event to success once: a second `ok` would be a settled delivery run again.
        expect(oks, `${idOf(n)}: ${JSON.stringify(trace)}`).to.deep.equal(poisoned(n) ? ['audit-orders OrderPlaced.v2'] : GOOD);
        if (poisoned(n)) {
          const charges = trace.filter((e) => e.function === 'charge-payment').map((e) => `${e.attempt}:${e.outcome}`);
          // Attempts counted across the kill: never one run twice, and the fifth the last.
          expect(new Set(charges.map((c) => c.split(':')[0])).size, `${idOf(n)}: ${charges}`).to.equal(charges.length);
          expect(charges.at(-1), `${idOf(n)}: ${charges}`).to.equal('5:dead-letter');
        }
      }
    } finally {
      first?.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await Promise.all([first?.exited, second?.exited]);
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
