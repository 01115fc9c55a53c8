import { expect } from 'chai';
import { CloudEvent } from 'cloudevents';
import { EnvelopeDecodeError } from '../../contracts';
import { decodeEnvelope, derivedEventId, encodeEnvelope, isTraceparent, newEnvelope } from '../../runtime';
import { ImageUploaded, PaymentReceived } from '../../app/events';

describe('envelopes', () => {
  const upload = { bucket: 'media', key: 'uploads/cat.png', size: 10, contentType: 'image/png' };

  it('are valid CloudEvents 1.0 for the cloudevents SDK (the conformance oracle)', () => {
    const e = newEnvelope(ImageUploaded, upload, { subject: 'uploads/cat.png' });
    const ce = new CloudEvent({ ...e }, true);
    expect(ce.validate()).to.equal(true);
    expect(ce.type).to.equal('ImageUploaded.v1');
    expect(ce.contenttype).to.equal('image/png');
  });

  it('fill id, time, trace and correlation at the origin, and promote declared extensions', () => {
    const e = newEnvelope(ImageUploaded, upload);
    expect(e.specversion).to.equal('1.0');
    expect(e.correlationid).to.equal(e.id);
    expect(e.causationid).to.equal(undefined);
    expect(isTraceparent(e.traceparent)).to.equal(true);
    expect(Date.parse(e.time)).to.be.closeTo(Date.now(), 5_000);
    expect(e.contenttype).to.equal('image/png');
  });

  it('round-trip through the JSON format', () => {
    const e = newEnvelope(PaymentReceived, { orderId: 'o', paymentId: 'p', amount: 1, currency: 'EUR' }, { correlationId: 'c-1' });
    expect(decodeEnvelope(encodeEnvelope(e))).to.deep.equal(e);
  });

  it('decode only a strict RFC 3339 time, the same rule POST /events applies', () => {
    const e = newEnvelope(PaymentReceived, { orderId: 'o', paymentId: 'p', amount: 1, currency: 'EUR' });
    for (const time of ['2024-02-30T00:00:00Z', '+010000-01-01T00:00:00Z', '2018-04-05T18:31Z', '2018-04-05 18:31:00Z']) {
      expect(() => decodeEnvelope({ ...e, time }), time).to.throw(EnvelopeDecodeError, /"time" must be an RFC 3339 timestamp/);
    }
    expect(decodeEnvelope({ ...e, time: '2024-02-29T23:59:59.5+01:00' }).time).to.equal('2024-02-29T23:59:59.5+01:00');
  });

  it('derive stable, distinct ids for what a handler publishes', () => {
    const a = derivedEventId('parent', 'fn', 0);
    expect(a).to.equal(derivedEventId('parent', 'fn', 0));
    expect(a).to.not.equal(derivedEventId('parent', 'fn', 1));
    expect(a).to.not.equal(derivedEventId('parent', 'other-fn', 0));
    expect(a).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
