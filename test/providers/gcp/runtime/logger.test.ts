/** Cloud Logging's structured lines: severity and message, the threshold from HERALD_LOG_LEVEL's levels. */
import { expect } from 'chai';
import { cloudLogger } from '../../../../providers/gcp/runtime/logger';

describe('providers/gcp/runtime/logger', () => {
  it('writes one JSON line per entry with severity, message, time and the fields, at or above its level', () => {
    const lines: string[] = [];
    const log = cloudLogger({ level: 'info', sink: (l) => void lines.push(l), fields: { function: 'charge-payment' } });
    log.debug('hidden');
    log.info('ok', { eventId: 'e-1' });
    log.warn('retry');
    log.error('dead-letter', { severity: 'not this', message: 'nor this' });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => [p.severity, p.message])).to.deep.equal([['INFO', 'ok'], ['WARNING', 'retry'], ['ERROR', 'dead-letter']]);
    expect(parsed[0]).to.deep.include({ function: 'charge-payment', eventId: 'e-1' });
    expect(Number.isNaN(Date.parse(String(parsed[0]!.time)))).to.equal(false);
  });
});
