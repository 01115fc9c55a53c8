/**
 * The compiled EventBridge patterns against AWS's own matching engine, event-ruler: every pattern of the
 * filter table against every event, delivered as EventBridge delivers it, must match exactly the events
 * the reference evaluator matches (with the residual evaluated in the function, as the runtime does).
 * Needs `bash .ci/event-ruler/setup.sh`; fails without it unless HERALD_SKIP_EVENT_RULER=1 is set.
 */
import { expect } from 'chai';
import { matchesClauses } from '../../../contracts';
import { compileEventPattern, compileSnsFilterPolicy } from '../../../providers/aws/filter';
import { promotedAttributes } from '../../../providers/aws/runtime/wire';
import { locateEventRuler, startEventRuler, type EventRuler } from '../../helpers/event-ruler';
import { EVENTS, FILTERS, SUBSCRIBED, eventBridgeDelivery, expected } from './filter-cases';

const located = locateEventRuler();
const skip = 'missing' in located && process.env.HERALD_SKIP_EVENT_RULER === '1';

describe('EventBridge patterns against event-ruler', function () {
  this.timeout(60_000);
  let ruler: EventRuler;

  if (skip) {
    // Explicit opt-out only: registers nothing, and says so.
    console.warn(`event-ruler tests not run (HERALD_SKIP_EVENT_RULER=1): ${(located as { missing: string }).missing}`);
    return;
  }

  before(() => {
    if ('missing' in located) throw new Error(located.missing);
    ruler = startEventRuler(located.dir);
  });
  after(async () => ruler?.close());

  it('is the real engine: it rejects an invalid pattern and tells matches from non-matches', async () => {
    expect(await ruler.match({ source: ['a'] }, { source: 'a' })).to.equal(true);
    expect(await ruler.match({ source: ['a'] }, { source: 'b' })).to.equal(false);
    expect(await ruler.match({ detail: { x: [{ 'anything-but': ['v'] }] } }, { detail: {} })).to.equal(false);
    let error: unknown;
    await ruler.match({ source: [{ nonsense: 1 }] }, { source: 'a' }).catch((e) => { error = e; });
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/^event-ruler: error/);
  });

  for (const f of FILTERS) {
    it(`${f.name}: pattern (+ residual) ≡ matches()`, async () => {
      const types = f.types ?? SUBSCRIBED;
      const { native, residual } = compileEventPattern({ types, where: f.where });
      const answers = await Promise.all(EVENTS.map((e) => ruler.match(native, eventBridgeDelivery(e))));
      EVENTS.forEach((e, i) => {
        const got = answers[i]! && matchesClauses(residual, (k) => (typeof e[k] === 'string' ? (e[k] as string) : undefined));
        expect(got, `${JSON.stringify(native)} × ${JSON.stringify(e)}`).to.equal(expected(types, f.where, e));
      });
    });
  }

  // SNS shares EventBridge's pattern syntax; a cross-check of the SNS policies on the same engine,
  // with each message attribute as a top-level field.
  it('SNS policies (+ residual) ≡ matches() on the same engine', async () => {
    for (const f of FILTERS) {
      const types = f.types ?? SUBSCRIBED;
      const { native, residual } = compileSnsFilterPolicy({ types, where: f.where });
      for (const e of EVENTS) {
        const plain = e.subject === '' ? { ...e, subject: undefined } : e;
        const got = (await ruler.match(native, promotedAttributes(e)))
          && matchesClauses(residual, (k) => (typeof plain[k] === 'string' ? (plain[k] as string) : undefined));
        expect(got, `${f.name}: ${JSON.stringify(native)} × ${JSON.stringify(promotedAttributes(e))}`).to.equal(expected(types, f.where, plain));
      }
    }
  });
});
