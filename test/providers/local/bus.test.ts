import { expect } from 'chai';
import { matches, toClauses, type Envelope } from '../../../contracts';
import { Router, type Route } from '../../../providers/local';
import { tick } from './fixtures';

function inlet() {
  const got: Envelope[] = [];
  return { got, send: (e: Envelope) => void got.push(e) };
}

describe('local bus routing', () => {
  it('sends an event to every subscription of its type whose filter accepts it, and reports the others as filtered', () => {
    const images = inlet();
    const all = inlet();
    const other = inlet();
    const filtered: Array<[string, string]> = [];
    const router = new Router('bus b', (route, e) => filtered.push([route.subscription, e.id]));
    router.add({ subscription: 'thumbs', function: 'make-thumbnail', types: ['Tick.v1'], clauses: toClauses({ media: { prefix: 'image/' } }), inlet: images });
    router.add({ subscription: 'index', function: 'index-metadata', types: ['Tick.v1'], clauses: [], inlet: all });
    router.add({ subscription: 'tocks', function: 'f', types: ['Tock.v1'], clauses: [], inlet: other });
    const png = tick(1, { media: 'image/png' });
    const pdf = tick(2, { media: 'application/pdf' });
    const none = tick(3);
    expect(router.publish(png)).to.equal(2);
    expect(router.publish(pdf)).to.equal(1);
    expect(router.publish(none)).to.equal(1);
    expect(images.got).to.deep.equal([png]);
    expect(all.got).to.deep.equal([png, pdf, none]);
    expect(other.got).to.deep.equal([]);
    // A subscription of another type is not "filtered": it never wanted the event.
    expect(filtered).to.deep.equal([['thumbs', pdf.id], ['thumbs', none.id]]);
  });

  it('routes each listed type once, even if a route lists it twice', () => {
    const a = inlet();
    const router = new Router('bus b');
    const route: Route = { subscription: 's', function: 'f', types: ['Tick.v1', 'Tick.v1'], clauses: [], inlet: a };
    router.add(route);
    router.publish(tick(1));
    expect(a.got).to.have.length(1);
    expect(router.routes().get('Tick.v1')).to.deep.equal([route]);
  });

  it('agrees with the reference evaluator on every operator', () => {
    const cases: Array<[Record<string, unknown>, string | undefined, boolean]> = [
      [{ media: { in: ['image/png'] } }, 'image/png', true],
      [{ media: { in: ['image/png'] } }, undefined, false],
      [{ media: { notIn: ['image/png'] } }, 'image/gif', true],
      [{ media: { notIn: ['image/png'] } }, undefined, false],
      [{ media: { exists: true } }, 'x', true],
      [{ media: { notExists: true } }, undefined, true],
      [{ media: { notExists: true } }, 'x', false],
      [{ media: { prefix: ['image/', 'video/'] } }, 'video/mp4', true],
      [{ media: { prefix: 'image/' }, source: { in: ['test.ticks'] } }, 'image/png', true],
      [{ media: { prefix: 'image/' }, source: { in: ['other'] } }, 'image/png', false],
    ];
    for (const [filter, media, expected] of cases) {
      const got = inlet();
      const router = new Router('bus b');
      router.add({ subscription: 's', function: 'f', types: ['Tick.v1'], clauses: toClauses(filter as never), inlet: got });
      const event = tick(1, media === undefined ? {} : { media });
      router.publish(event);
      expect(matches(filter as never, event), `reference on media=${media}`).to.equal(expected);
      expect(got.got.length === 1, `${JSON.stringify(filter)} on media=${media}`).to.equal(expected);
    }
  });
});
