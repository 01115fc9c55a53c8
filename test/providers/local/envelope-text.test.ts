import { expect } from 'chai';
import type { Envelope } from '../../../contracts';
import { EventRegistry } from '../../../runtime';
import { readEvents } from '../../../providers/local';
import { envelopeText, rememberText } from '../../../providers/local/envelope-text';
import { Tick } from './fixtures';

describe('envelope JSON text made once (providers/local/envelope-text.ts)', () => {
  it('gives the text recorded for an envelope, and serialises one with none', () => {
    const recorded = { id: 'a' } as unknown as Envelope;
    rememberText(recorded, '{"id":"a","recorded":true}');
    expect(envelopeText(recorded)).to.equal('{"id":"a","recorded":true}');
    expect(envelopeText({ id: 'b' } as unknown as Envelope)).to.equal('{"id":"b"}');
  });

  it('holds the text ingest measured for each accepted event, which is the envelope\'s own JSON', () => {
    const body = Buffer.from(JSON.stringify([1, 2].map((n) => ({ type: 'Tick.v1', source: 'test.web', subject: `s${n}`, data: { n } }))));
    const envelopes = readEvents('application/cloudevents-batch+json', {}, body, new EventRegistry([Tick]));
    expect(envelopes).to.have.length(2);
    for (const e of envelopes) {
      const text = JSON.stringify(e);
      // Changed here only to tell the recorded text from one made now (nothing changes an envelope after ingest).
      (e as unknown as Record<string, unknown>).changed = true;
      expect(envelopeText(e)).to.equal(text);
    }
  });
});
