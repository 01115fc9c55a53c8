import { expect } from 'chai';
import { shop } from '../../app/topology';
import { deliveryLine, devLogger, formatFilter, paintFor, rejectedLine, table, topologyTable } from '../../cli/format';
import { toClauses } from '../../contracts';
import type { DeliveryRecord } from '../../providers/local';

const plain = paintFor({ isTTY: false });
const record = (extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  function: 'charge-payment', subscription: 's', type: 'OrderPlaced.v2', id: 'e-1', correlationid: 'c', attempt: 2,
  outcome: 'ok', durationMs: 3.14159, at: Date.parse('2026-01-01T10:20:30.456Z'), ...extra,
});

describe('cli format', () => {
  it('colours only on a TTY without NO_COLOR', () => {
    expect(paintFor({ isTTY: true }, {}).green('x')).to.equal('\u001b[32mx\u001b[0m');
    expect(paintFor({ isTTY: true }, { NO_COLOR: '' }).green('x')).to.equal('x');
    expect(paintFor({ isTTY: false }, {}).red('x')).to.equal('x');
  });

  it('aligns table columns', () => {
    expect(table(['A', 'BB'], [['long', 'x'], ['s', 'yy']])).to.deep.equal(['A     BB', 'long  x', 's     yy']);
  });

  it('prints filters in one line', () => {
    expect(formatFilter(toClauses({ contenttype: { prefix: 'image/' }, subject: { exists: true } }))).to.equal('contenttype prefix image/, subject exists');
    expect(formatFilter([])).to.equal('-');
  });

  it('prints the example topology: resources, functions, and subscriptions with filters and channels', () => {
    const text = topologyTable(shop).join('\n');
    expect(text).to.match(/^payments\s+queue\s+maxAttempts 5$/m);
    expect(text).to.match(/^order-audit\s+stream\s+ordered by data\.orderId/m);
    expect(text).to.match(/^nightly-report\s+schedule\s+0 2 \* \* \* \(UTC\) → ReportRequested\.v1 on bus shop$/m);
    expect(text).to.match(/^payments\s+webhook\s+POST \/webhooks\/payments → PaymentReceived\.v1/m);
    expect(text).to.match(/^charge-payment\s+10s\s+-\s+PaymentReceived\.v1, PaymentFailed\.v1 → bus shop$/m);
    expect(text).to.match(/^charge-payment\s+bus shop\s+OrderPlaced\.v2 \(\+v1\)\s+-\s+queue payments\s+5$/m);
    expect(text).to.match(/^make-thumbnail\s+bus shop\s+ImageUploaded\.v1\s+contenttype prefix image\/\s+direct\s+3$/m);
    expect(text).to.match(/^order-notifications\s+topic\s+fan-out, a queue per subscriber$/m);
    expect(text).to.match(/^customers\s+table\s+keyed by customerId; row changes → CustomerChanged\.v1 on bus shop$/m);
    expect(text).to.match(/^confirm-order\s+10s\s+-\s+OrderConfirmed\.v1 → topic order-notifications$/m);
    expect(text).to.match(/^send-confirmation\s+topic order-notifications\s+OrderConfirmed\.v1\s+-\s+own queue \S+\s+\d+$/m);
    expect(text).to.match(/^notify-warehouse\s+topic order-notifications\s+OrderConfirmed\.v1\s+-\s+own queue \S+\s+\d+$/m);
  });

  it('prints one delivery line: time, function, type, id, attempt, outcome, ms, and why for failures', () => {
    expect(deliveryLine(record(), plain)).to.match(/^10:20:30\.456 {2}charge-payment +OrderPlaced\.v2 +e-1 {2}#2 {2}ok +3\.1 ms$/);
    expect(deliveryLine(record({ outcome: 'retry', delayMs: 40, reason: 'Error: x' }), plain)).to.match(/retry +3\.1 ms {2}next in 40 ms: Error: x$/);
    expect(deliveryLine(record({ outcome: 'deferred', delayMs: 7, reason: 'another delivery of this event is being handled' }), plain))
      .to.match(/deferred +3\.1 ms {2}next in 7 ms: another delivery of this event is being handled$/);
    expect(deliveryLine(record({ outcome: 'dead-letter', reason: 'gave up' }), paintFor({ isTTY: true }, {}))).to.contain('\u001b[31mdead-letter\u001b[0m');
  });

  it("prints handler logs under the delivery lines, and drops the pipeline's retry warnings", () => {
    const lines: string[] = [];
    const log = devLogger((l) => lines.push(l), plain, {}, () => new Date('2026-12-03T10:20:30.456Z'));
    log.warn('retry', { function: 'f', error: 'x' });
    log.child({ function: 'charge-payment', eventId: 'e-1', correlationId: 'c-1' }).info('payment charged', { orderId: 'o-1', n: 2 });
    log.child({ function: 'charge-payment' }).warn('slow');
    expect(lines).to.deep.equal([
      '10:20:30.456  charge-payment     payment charged orderId=o-1 n=2  (event=e-1 correlation=c-1)',
      '10:20:30.456  charge-payment     warn: slow',
    ]);
  });

  it('prints a refused request with its status, route and reason', () => {
    expect(rejectedLine({ method: 'POST', path: '/webhooks/payments', status: 401, error: 'bad signature' }, plain, new Date('2026-12-03T10:20:30.456Z')))
      .to.equal('10:20:30.456  401 POST /webhooks/payments  refused, nothing published: bad signature');
  });
});
