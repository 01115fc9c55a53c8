/**
 * OffsetCommits, with no broker: a reader's offsets are committed only once the claims of the records before them
 * are acknowledged, one acknowledgement wait and one commit at a time, and not at all across a rebalance.
 */
import { expect } from 'chai';
import type { TopicPartitionOffset } from 'kafkajs';
import { OffsetCommits } from '../../../../providers/kafka/transport/offset-commits';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * An OffsetCommits whose claims acknowledgements are answered by the test, recording the commits it makes:
 * `acks` answers each wait, true (acknowledged) or false (not written, and the reader stopped).
 */
function subject() {
  const commits: TopicPartitionOffset[][] = [];
  const acks: Array<(ok: boolean) => void> = [];
  let stopped = false;
  const claims = {
    flushed: () => new Promise<void>((resolve, reject) => acks.push((ok) => {
      if (ok) return resolve();
      stopped = true;
      reject(new Error('claims not written'));
    })),
  };
  const offsets = new OffsetCommits(
    { commitOffsets: async (o) => { commits.push(o.map(({ topic, partition, offset }) => ({ topic, partition, offset }))); } },
    claims, () => stopped, silent, {},
  );
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  return { offsets, commits, acks, turn };
}

describe('Kafka offset commits', () => {
  it('commits the offset after the last settled record only once the claims are acknowledged', async () => {
    const { offsets, commits, acks, turn } = subject();
    offsets.settled('t', 0, '41');
    await turn();
    expect(commits).to.deep.equal([]);
    acks.shift()!(true);
    await offsets.flush();
    expect(commits).to.deep.equal([[{ topic: 't', partition: 0, offset: '42' }]]);
  });

  it('waits for one acknowledgement at a time, each covering what settled before it began, the latest offset per partition', async () => {
    const { offsets, commits, acks, turn } = subject();
    offsets.settled('t', 0, '1');
    // Settled while the first wait runs: the next wait covers them, once, with the latest offset per partition.
    offsets.settled('t', 0, '5');
    offsets.settled('t', 1, '7');
    offsets.settled('t', 0, '9');
    expect(acks).to.have.length(1);
    acks.shift()!(true);
    await turn();
    expect(commits).to.deep.equal([[{ topic: 't', partition: 0, offset: '2' }]]);
    expect(acks).to.have.length(1);
    acks.shift()!(true);
    await offsets.flush();
    expect(commits).to.deep.equal([[{ topic: 't', partition: 0, offset: '2' }], [{ topic: 't', partition: 0, offset: '10' }, { topic: 't', partition: 1, offset: '8' }]]);
  });

  it('commits nothing whose claims were not acknowledged, nor what settled before a rebalance', async () => {
    const { offsets, commits, acks } = subject();
    offsets.settled('t', 0, '3');
    acks.shift()!(false); // the reader stopped with the claims unwritten
    await offsets.flush();
    offsets.settled('t', 0, '4');
    offsets.forget(); // a new generation: the partition may be another member's
    acks.shift()!(true);
    await offsets.flush();
    expect(commits).to.deep.equal([]);
    offsets.settled('t', 0, '8');
    acks.shift()!(true);
    await offsets.flush();
    expect(commits).to.deep.equal([[{ topic: 't', partition: 0, offset: '9' }]]);
  });

  it('keeps going after a commit the broker refused (a rebalance), committing what comes next', async () => {
    const commits: string[] = [];
    let refuse = true;
    const offsets = new OffsetCommits(
      { commitOffsets: async (o) => { if (refuse) { refuse = false; throw new Error('REBALANCE_IN_PROGRESS'); } commits.push(o[0]!.offset); } },
      undefined, () => false, silent, {},
    );
    offsets.settled('t', 0, '1');
    await offsets.flush();
    offsets.settled('t', 0, '2');
    await offsets.flush();
    expect(commits).to.deep.equal(['3']);
  });
});
