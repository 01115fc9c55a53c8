import { expect } from 'chai';
import { recordingClients, type RecordedCall } from '../../../../providers/azure/recording-clients';
import { serviceBus } from '../../../../providers/azure/runtime/servicebus';
import { resendMessageId, serviceBusResender } from '../../../../providers/azure/runtime/settlement';
import { RESEND_PROPERTIES } from '../../../../providers/azure/runtime/wire';
import { envelope, serviceBusMessage } from './fixtures';

describe('providers/azure/runtime/settlement', () => {
  it('names each resent copy after the first delivery and the attempt it will be, within 128 characters', () => {
    expect(resendMessageId('e-1', 1)).to.equal('e-1~2');
    expect(resendMessageId('e-1~2', 2)).to.equal('e-1~3');
    expect(resendMessageId('x'.repeat(128), 9)).to.have.length(128).and.match(/~10$/);
  });

  it('resends nothing for a session, a record from elsewhere, or a source it does not know', async () => {
    const calls: RecordedCall[] = [];
    const resend = serviceBusResender({ serviceBus: { namespace: 'ns', entities: { 'queue:q': { queue: 'q' } } } }, recordingClients((c) => calls.push(c)).serviceBus as never);
    const e = envelope({ type: 'T.v1', data: {} });
    const [session] = serviceBus.decode(serviceBusMessage(e, { sessionId: 's' }), 'queue:q');
    const [unknown] = serviceBus.decode(serviceBusMessage(e), 'queue:other');
    expect(await resend(session!, 1000, 1)).to.equal(undefined);
    expect(await resend(unknown!, 1000, 1)).to.equal(undefined);
    expect(await resend({ itemId: 'x', payload: '', attempt: 1, rawBody: '', channel: 'queue:q', token: 'arn:aws:sqs h' }, 1000, 1)).to.equal(undefined);
    expect(calls).to.deep.equal([]);
  });

  it('schedules the copy at now + the delay, keeping the body and properties and counting the attempts spent', async () => {
    const calls: RecordedCall[] = [];
    const resend = serviceBusResender(
      { serviceBus: { namespace: 'ns', entities: { 'queue:q': { queue: 'q' } } } },
      recordingClients((c) => calls.push(c)).serviceBus as never, () => 1_000_000,
    );
    const [record] = serviceBus.decode(serviceBusMessage('{"raw":true}', { messageId: 'm', properties: { keep: 'me', [RESEND_PROPERTIES.attempts]: 1 } }), 'queue:q');
    expect(await resend(record!, 1234.2, 3)).to.equal(1235);
    const input = calls[0]!.input as { messages: { body: Buffer; messageId: string; applicationProperties: Record<string, unknown> }; scheduledEnqueueTimeUtc: string };
    expect(input.scheduledEnqueueTimeUtc).to.equal(new Date(1_001_235).toISOString());
    expect(input.messages.body.toString('utf8')).to.equal('{"raw":true}');
    expect(input.messages.messageId).to.equal('m~4');
    expect(input.messages.applicationProperties).to.include({ keep: 'me', [RESEND_PROPERTIES.attempts]: 3 });
  });
});
