/** The recording fakes `herald invoke --cloud gcp` hands the runtime: what they print, and what they answer. */
import { expect } from 'chai';
import { recordingClients, type RecordedCall } from '../../../providers/gcp/recording-clients';
import { GcsClaimCheckStore } from '../../../providers/gcp/runtime/claim-check';
import { deadLetterSender } from '../../../providers/gcp/runtime/dead-letter';

describe('providers/gcp/recording-clients', () => {
  it('prints a dead letter as the publish it would be, and answers a message id', async () => {
    const calls: RecordedCall[] = [];
    const { pubsub } = recordingClients((c) => void calls.push(c));
    await deadLetterSender(pubsub)('projects/p/topics/dlt', { data: Buffer.from('{"a":1}').toString('base64'), attributes: { 'ce-id': 'e-1' } }, { reason: 'r', functionName: 'f' });
    expect(calls).to.deep.equal([{ sdk: 'pubsub', call: 'publishMessage', topic: 'projects/p/topics/dlt', data: '{"a":1}', attributes: { 'ce-id': 'e-1', herald_reason: 'r', herald_function: 'f' } }]);
    const answer = await (pubsub as unknown as { topic(t: string): { publishMessage(m: object): Promise<string> } }).topic('t').publishMessage({ orderingKey: 'k' });
    expect(answer).to.match(/^offline-\d+$/);
    expect(calls[1]).to.deep.include({ orderingKey: 'k', data: '' });
  });

  it('prints a claim check stored, and refuses to read one back (nothing is stored offline)', async () => {
    const calls: RecordedCall[] = [];
    const { storage } = recordingClients((c) => void calls.push(c));
    const store = new GcsClaimCheckStore('shop-claim-check', 'p', storage);
    const ref = await store.put('e-1', '{"big":true}');
    expect(calls[0]).to.deep.include({ sdk: 'storage', call: 'save', bucket: 'shop-claim-check', contents: '{"big":true}', contentType: 'application/json' });
    expect(`gs://shop-claim-check/${(calls[0] as { name: string }).name}`).to.equal(ref);
    let error: unknown;
    await store.get(ref).catch((e) => { error = e; });
    expect((error as Error).message).to.match(/^offline: no object gs:\/\/shop-claim-check\/claim-check\/e-1\//);
    expect(calls[1]).to.deep.include({ sdk: 'storage', call: 'download', bucket: 'shop-claim-check' });
  });
});
