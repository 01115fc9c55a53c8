/**
 * What a worker writes to the outcomes topic (providers/kafka/transport/outcomes.ts) and what the dev server and
 * the chaos observer read back (`readOutcomes`): every kind of delivery record comes back as it was reported,
 * and bundles in the forms written before are still read. The writer's records are caught at the producer
 * (no broker: this is the format; test/providers/kafka/transport/runtime.test.ts follows them through a real one).
 */
import { expect } from 'chai';
import type { Kafka, Producer, ProducerBatch } from 'kafkajs';
import { silentLogger } from '../../../../runtime';
import type { DeliveryRecord } from '../../../../providers/local/function';
import type { DeadLetter } from '../../../../providers/local/dead-letters';
import { kafkaNames } from '../../../../providers/kafka/topics';
import { Outcomes, readOutcomes } from '../../../../providers/kafka/transport/outcomes';
import { RecordSender } from '../../../../providers/kafka/transport/record-sender';

/** An Outcomes writer whose records land in `sent` (key and value as the broker would hold them). */
function writer() {
  const sent: { key: string; value: Buffer }[] = [];
  const producer = {
    async sendBatch(batch: ProducerBatch) {
      for (const { messages } of batch.topicMessages ?? []) for (const m of messages) sent.push({ key: String(m.key), value: Buffer.from(m.value as string) });
      return [];
    },
  } as unknown as Producer;
  const outcomes = new Outcomes({ kafka: {} as Kafka, names: kafkaNames('shop', 'dev'), sender: new RecordSender(producer), logger: silentLogger });
  return { outcomes, sent };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A record as LocalFunction reports it: every field present, undefined when absent. */
const reported = (fields: Partial<DeliveryRecord>): DeliveryRecord => ({
  function: 'charge-payment', subscription: 'charge-payment-shop', type: 'OrderPlaced.v2', id: 'e-1', correlationid: 'e-1',
  causationid: undefined, attempt: 1, outcome: 'ok', durationMs: 1.234567, at: 1_767_225_600_123.456, delayMs: undefined, reason: undefined,
  ...fields,
});

describe('Kafka outcomes topic format', () => {
  it('reads back every kind of delivery record exactly as it was reported, with the writer', async () => {
    // arrange
    const { outcomes, sent } = writer();
    const records = [
      reported({}),
      reported({ id: 'e-2', correlationid: 'req-9', causationid: 'e-0' }),
      reported({ id: 'e-3', correlationid: 'e-3', outcome: 'retry', attempt: 2, delayMs: 0, reason: 'Error: boom' }),
      reported({ id: 'e-4', correlationid: 'e-4', outcome: 'deferred', delayMs: 250, reason: 'another delivery of this event is being handled' }),
      reported({ id: 'e-5', correlationid: 'e-5', outcome: 'dead-letter', attempt: 5, reason: 'gave up after 5 attempts: Error: boom' }),
      reported({ id: 'e-6', correlationid: 'e-6', outcome: 'filtered', attempt: 0, durationMs: 0 }),
      reported({ id: 'e-7', correlationid: 'e-7', outcome: 'duplicate' }),
    ];

    // act
    for (const r of records) outcomes.delivered(r);
    await turn();
    await turn();

    // assert
    expect(sent).to.have.length(1);
    const read = readOutcomes(sent[0]!.key, sent[0]!.value);
    expect(read).to.deep.equal(records.map((record) => ({ kind: 'delivery', w: outcomes.writer, record })));
    for (const r of read) expect(Object.keys((r as { record: object }).record)).to.deep.equal(Object.keys(records[0]!));
  });

  it('writes a delivery in about half the bytes of the record as an object (at most 55 %)', async () => {
    const { outcomes, sent } = writer();
    const record = reported({ id: '6f1c3b4e-1234-4567-89ab-0123456789ab', correlationid: '6f1c3b4e-1234-4567-89ab-0123456789ab' });
    outcomes.delivered(record);
    await turn();
    await turn();
    expect(sent[0]!.value.length).to.be.at.most(0.55 * JSON.stringify([record]).length);
  });

  it('reads dead letters bundled with deliveries, and bundles in the forms written before', () => {
    const letter = { id: 'e-5', subscription: 'charge-payment-shop' } as unknown as DeadLetter;
    const objects = Buffer.from(JSON.stringify([reported({}), { kind: 'dead-letter', letter }]));
    expect(readOutcomes('w-1', objects)).to.deep.equal([
      { kind: 'delivery', w: 'w-1', record: JSON.parse(JSON.stringify(reported({}))) },
      { kind: 'dead-letter', w: 'w-1', letter },
    ]);
    const records = Buffer.from(JSON.stringify([{ kind: 'delivery', w: 'w-2', record: reported({ id: 'e-9' }) }]));
    expect(readOutcomes('w-2', records)).to.have.nested.property('[0].record.id', 'e-9');
    expect(readOutcomes('dlq', Buffer.from('not json'))).to.deep.equal([]);
  });
});
