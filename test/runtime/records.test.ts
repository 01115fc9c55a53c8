import { expect } from 'chai';
import { DEFAULT_BACKOFF, NonRetryableError, on, type Logger, type RuntimeChannel } from '../../contracts';
import { OrderPlaced, allEvents } from '../../app/events';
import type { InboundRecord } from '../../runtime/binding';
import { ChannelPipelines } from '../../runtime/channels';
import { newEnvelope } from '../../runtime/envelopes';
import { Pipeline } from '../../runtime/pipeline';
import { InMemoryIdempotencyStore } from '../../runtime/idempotency';
import { RecordingPublisher } from '../../runtime/publisher';
import { recordHandler } from '../../runtime/records';
import { EventRegistry } from '../../runtime/registry';
import type { Settlement } from '../../runtime/settlement';

const data = (orderId: string) => ({ orderId, amount: 1, currency: 'EUR', customerEmail: 'a@example.com', items: [{ sku: 's', quantity: 1, unitPrice: 1 }], channel: 'web' as const });
const channel: RuntimeChannel = { subscription: 's', sourceKey: 'queue:q', types: ['OrderPlaced.v2'], maxAttempts: 3, residual: [], backoff: DEFAULT_BACKOFF };
const handler = on(OrderPlaced, async (event) => {
  if (event.data.orderId === 'retry') throw new Error('try later');
  if (event.data.orderId === 'never') throw new NonRetryableError('never');
});

function setup(settlement: Partial<Settlement>, idempotency?: InMemoryIdempotencyStore) {
  const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push([level, message, fields]);
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const pipelines = new ChannelPipelines([channel], (c) => new Pipeline({
    functionName: 'f', handler, registry: new EventRegistry(allEvents), publisher: new RecordingPublisher(), maxAttempts: c.maxAttempts, backoff: c.backoff,
    ...(idempotency ? { idempotency } : {}),
  }), channel);
  const handle = recordHandler({
    pipelines, logger,
    settlement: { retryAfter: async () => undefined, deadLetter: async () => undefined, ...settlement },
  });
  return { handle, lines };
}
const record = (orderId: string, extra: Partial<InboundRecord> = {}): InboundRecord =>
  ({ itemId: orderId, payload: newEnvelope(OrderPlaced, data(orderId)), attempt: 1, channel: 'queue:q', token: 't', rawBody: '{}', ...extra });

describe('runtime/records', () => {
  it('answers nothing for a handled record, and settles nothing', async () => {
    const { handle, lines } = setup({ retryAfter: async () => { throw new Error('not called'); } });
    expect(await handle(record('ok'))).to.equal(undefined);
    expect(lines).to.deep.equal([]);
  });

  it('asks the settlement to bring a failed record back after the backoff, and reports it failed', async () => {
    const asked: Array<[string, number]> = [];
    const { handle, lines } = setup({ retryAfter: async (r, ms) => { asked.push([r.token!, ms]); return 1_000; } });
    expect(await handle(record('retry'))).to.equal('Error: try later');
    expect(asked).to.have.length(1);
    expect(asked[0]![0]).to.equal('t');
    expect(asked[0]![1]).to.be.within(0, DEFAULT_BACKOFF.baseMs);
    expect(lines.find(([, m]) => m.startsWith('record failed'))![2]).to.include({ itemId: 'retry', attempt: 1, delayMs: 1_000 });
  });

  it('still reports the record failed when the settlement cannot delay it, or refuses', async () => {
    const { handle, lines } = setup({ retryAfter: async () => { throw new Error('AccessDenied'); } });
    expect(await handle(record('retry'))).to.equal('Error: try later');
    expect(lines.some(([level, m, f]) => level === 'warn' && m.startsWith('could not set the retry backoff') && f?.error === 'AccessDenied')).to.equal(true);
  });

  it('dead-letters what it gives up on through the settlement, and counts it handled', async () => {
    const sent: Array<[string | undefined, string]> = [];
    const { handle, lines } = setup({ deadLetter: async (r, reason) => { sent.push([r.channel, reason]); return 'dlq:q'; } });
    expect(await handle(record('never'))).to.equal(undefined);
    expect(await handle(record('retry', { attempt: 3 }))).to.equal(undefined);
    expect(sent.map(([c, reason]) => [c, reason.split(':')[0]])).to.deep.equal([['queue:q', 'NonRetryableError'], ['queue:q', 'gave up after 3 attempts']]);
    expect(lines.filter(([, m]) => m === 'record dead-lettered').map(([, , f]) => f!.deadLetter)).to.deep.equal(['dlq:q', 'dlq:q']);
  });

  it('reports a record failed when its channel has no dead-letter target, or the target refuses', async () => {
    const none = setup({});
    expect(await none.handle(record('never'))).to.match(/NonRetryableError/);
    expect(none.lines.some(([level, m]) => level === 'error' && m.startsWith('record failed for good'))).to.equal(true);
    const refused = setup({ deadLetter: async () => { throw new Error('AccessDenied'); } });
    expect(await refused.handle(record('never'))).to.match(/NonRetryableError/);
    expect(refused.lines.some(([level, m, f]) => level === 'error' && m.startsWith('could not dead-letter') && f?.error === 'AccessDenied')).to.equal(true);
  });

  it('loses nothing when the dead-letter target refuses: the record fails, and its return is dead-lettered, not taken for a duplicate', async () => {
    let refuse = true;
    const sent: string[] = [];
    const { handle } = setup({
      deadLetter: async (_r, reason) => {
        if (refuse) throw new Error('AccessDenied');
        sent.push(reason);
        return 'dlq:q';
      },
    }, new InMemoryIdempotencyStore());
    const poison = record('never');
    expect(await handle(poison)).to.match(/NonRetryableError/);
    refuse = false;
    expect(await handle({ ...poison, attempt: 2 })).to.equal(undefined);
    expect(sent.map((r) => r.split(':')[0])).to.deep.equal(['NonRetryableError']);
  });
});
