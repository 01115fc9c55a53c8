/**
 * The claims store's give-up as the reader settles it (claims.ts), without a broker: a give-up is journaled
 * only once its dead letter is acknowledged (`buried`), and withdrawn when the dead letter could not be
 * written (`notBuried`), so the event's next delivery runs again instead of answering `duplicate`.
 */
import { expect } from 'chai';
import type { Kafka, Message } from 'kafkajs';
import { kafkaNames } from '../../../../providers/kafka/topics';
import { KafkaClaims } from '../../../../providers/kafka/transport/claims';
import type { RecordSender } from '../../../../providers/kafka/transport/record-sender';
import { silentLogger } from '../../../../runtime/logger';

describe('kafka claims: a give-up and its dead letter', () => {
  const key = { scope: 'f', source: 'test', id: 'e-1' };
  let journaled: string[];
  let claims: KafkaClaims;
  beforeEach(() => {
    journaled = [];
    // What the claims bundles send, as the states they carry (nothing is read back: the store is not started).
    const sender = {
      async send(_topic: string, messages: readonly Message[]) {
        for (const m of messages) for (const [, , state] of JSON.parse(String(m.value)) as Array<[string, string, string]>) journaled.push(state);
      },
    } as unknown as RecordSender;
    claims = new KafkaClaims({ kafka: {} as Kafka, names: kafkaNames('app', 'test'), sender, logger: silentLogger });
  });

  it('answers a copy as a duplicate at once after a give-up, and journals the give-up once it is buried', async () => {
    // arrange
    claims.begin(key, 60);
    await claims.giveUp(key, 60);

    // act
    const copy = claims.begin(key, 60);
    await claims.buried(key);

    // assert
    expect(copy.state).to.equal('dead-lettered');
    expect(journaled).to.deep.equal(['dead-lettered']);
  });

  it('withdraws a give-up whose dead letter was not written: the next delivery runs again, counting on, and nothing is journaled', async () => {
    // arrange
    claims.begin(key, 60);
    await claims.giveUp(key, 60);

    // act
    claims.notBuried(key);
    const next = claims.begin(key, 60);
    await claims.buried(key);
    await claims.flushed();

    // assert
    expect(next).to.deep.equal({ state: 'claimed', attempt: 2 });
    expect(journaled).to.deep.equal([]);
  });
});
