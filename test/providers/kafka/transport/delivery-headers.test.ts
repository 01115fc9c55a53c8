/**
 * Herald's delivery headers (providers/kafka/transport/delivery-headers.ts): written for retries and dead
 * letters, read back from what kafkajs hands a consumer (Buffers), tolerant of what is missing or malformed,
 * and bounded in size.
 */
import { expect } from 'chai';
import {
  DELIVERY_HEADERS, MAX_HISTORY, MAX_HISTORY_REASON, MAX_TEXT, appendHistory, readDeliveryHeaders, writeDeadLetterHeaders,
  writeRetryHeaders, type AttemptEntry,
} from '../../../../providers/kafka/transport/delivery-headers';

/** Headers as a consumer receives them: Buffers. */
const asReceived = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));

const entry = (attempt: number, reason = `boom ${attempt}`): AttemptEntry => ({ attempt, at: `2026-01-01T00:00:0${attempt % 10}.000Z`, outcome: 'retry', reason });

describe('Kafka delivery headers', () => {
  it('names every header lower-case with the herald- prefix, apart from the ce_ ones', () => {
    for (const name of Object.values(DELIVERY_HEADERS)) expect(name).to.match(/^herald-[a-z-]+$/);
  });

  describe('writeRetryHeaders', () => {
    it('writes the subscription, the next attempt and the not-before time, and reads them back', () => {
      // act
      const headers = writeRetryHeaders({ subscription: 'bill-orders', attempt: 3, notBefore: 1_767_225_600_123, history: [entry(1), entry(2)] });

      // assert
      expect(headers).to.deep.include({ 'herald-subscription': 'bill-orders', 'herald-attempt': '3', 'herald-not-before': '1767225600123' });
      expect(readDeliveryHeaders(asReceived(headers))).to.deep.equal({ subscription: 'bill-orders', attempt: 3, notBefore: 1_767_225_600_123, history: [entry(1), entry(2)] });
    });

    it('writes a redrive as attempt 1, not before 0, with no history', () => {
      expect(writeRetryHeaders({ subscription: 's', attempt: 1, notBefore: 0 })).to.deep.equal({ 'herald-subscription': 's', 'herald-attempt': '1', 'herald-not-before': '0' });
    });
  });

  describe('writeDeadLetterHeaders', () => {
    it('writes why, after how many attempts, by which function, when, and the history; all read back', () => {
      // arrange
      const at = new Date('2026-12-03T06:00:00.000Z');

      // act
      const headers = writeDeadLetterHeaders({
        subscription: 'bill-orders', function: 'bill', reason: 'gave up after 2 attempts: Error: card declined', attempts: 2,
        lastError: 'Error: card declined', deadLetteredAt: at, history: [entry(1), { attempt: 2, at: at.toISOString(), outcome: 'dead-letter', reason: 'Error: card declined' }],
      });

      // assert
      expect(readDeliveryHeaders(asReceived(headers))).to.deep.equal({
        subscription: 'bill-orders', function: 'bill', reason: 'gave up after 2 attempts: Error: card declined', attempts: 2,
        lastError: 'Error: card declined', deadLetteredAt: '2026-12-03T06:00:00.000Z',
        history: [entry(1), { attempt: 2, at: '2026-12-03T06:00:00.000Z', outcome: 'dead-letter', reason: 'Error: card declined' }],
      });
    });

    it('defaults the last error to the reason and keeps unicode', () => {
      const headers = writeDeadLetterHeaders({ subscription: 's', function: 'f', reason: 'échec ☕', attempts: 1, deadLetteredAt: '2026-01-01T00:00:00Z' });
      expect(readDeliveryHeaders(asReceived(headers))).to.deep.include({ reason: 'échec ☕', lastError: 'échec ☕' });
    });

    it('keeps headers small: the last 20 history entries, long texts cut', () => {
      // arrange
      const history = Array.from({ length: 30 }, (_, i) => entry(i + 1, 'x'.repeat(10_000)));

      // act
      const headers = writeDeadLetterHeaders({ subscription: 's', function: 'f', reason: 'r'.repeat(100_000), attempts: 30, deadLetteredAt: new Date(0), history });
      const read = readDeliveryHeaders(asReceived(headers));

      // assert
      expect(read.history!.map((e) => e.attempt)).to.deep.equal(Array.from({ length: MAX_HISTORY }, (_, i) => i + 11));
      expect(read.history![0]!.reason).to.have.length(MAX_HISTORY_REASON).and.match(/…$/);
      expect(read.reason).to.have.length(MAX_TEXT);
      expect(Buffer.byteLength(headers['herald-history']!)).to.be.below(MAX_HISTORY * (MAX_HISTORY_REASON * 3 + 100));
    });
  });

  describe('appendHistory', () => {
    it('adds an entry and keeps the last MAX_HISTORY', () => {
      expect(appendHistory(undefined, entry(1))).to.deep.equal([entry(1)]);
      const full = Array.from({ length: MAX_HISTORY }, (_, i) => entry(i + 1));
      expect(appendHistory(full, entry(21)).map((e) => e.attempt)).to.deep.equal(Array.from({ length: MAX_HISTORY }, (_, i) => i + 2));
    });
  });

  describe('readDeliveryHeaders (tolerant)', () => {
    it('reads nothing from a record without headers, or with only ce_ ones', () => {
      expect(readDeliveryHeaders(undefined)).to.deep.equal({});
      expect(readDeliveryHeaders({ ce_id: Buffer.from('1'), 'content-type': 'application/json' })).to.deep.equal({});
    });

    const malformed: Array<[string, Record<string, string>]> = [
      ['a non-numeric attempt', { 'herald-attempt': 'two' }],
      ['attempt 0', { 'herald-attempt': '0' }],
      ['a negative attempt', { 'herald-attempt': '-1' }],
      ['a fractional not-before', { 'herald-not-before': '1.5' }],
      ['a not-before past 2^53', { 'herald-not-before': '9999999999999999' }],
      ['an exponent', { 'herald-attempts': '1e3' }],
      ['an empty number', { 'herald-attempts': '' }],
      ['a history that is not JSON', { 'herald-history': '[{' }],
      ['a history that is not an array', { 'herald-history': '{"attempt":1}' }],
      ['a dead-lettered-at that is no date', { 'herald-dead-lettered-at': 'soon' }],
      ['an empty subscription', { 'herald-subscription': '' }],
    ];
    for (const [what, headers] of malformed) {
      it(`reads ${what} as undefined`, () => {
        expect(readDeliveryHeaders(asReceived(headers))).to.deep.equal({});
      });
    }

    it('keeps the well-formed entries of a history and drops the others', () => {
      const history = JSON.stringify([entry(1), null, { attempt: 'x', at: 'a', outcome: 'o' }, { attempt: 2, at: 'a' }, { attempt: 3, at: 'a', outcome: 'retry', reason: 7 }]);
      expect(readDeliveryHeaders({ 'herald-history': history }).history).to.deep.equal([entry(1), { attempt: 3, at: 'a', outcome: 'retry' }]);
    });

    it('reads string values and takes the last of a repeated header', () => {
      expect(readDeliveryHeaders({ 'herald-attempt': ['1', Buffer.from('4')], 'herald-subscription': 's' })).to.deep.equal({ attempt: 4, subscription: 's' });
    });
  });
});
