import { expect } from 'chai';
import { promotedAttributes, snsAttributeName, unwrapBody } from '../../../../providers/aws/runtime/wire';
import { envelope, eventBridgeOf, snsNotificationBody } from '../../../fixtures/aws';

const e = envelope({ type: 'ImageUploaded.v1', source: 'shop.media', subject: 'eu/1', data: { orderId: 'o-1', n: 3 }, contenttype: 'image/png', correlationid: 'c', region: '' });

describe('providers/aws/runtime/wire', () => {
  it('promotes type, source, subject and declared extensions, not Herald\'s own or empty ones', () => {
    expect(promotedAttributes(e)).to.deep.equal({ ce_type: 'ImageUploaded.v1', ce_source: 'shop.media', ce_subject: 'eu/1', contenttype: 'image/png' });
    expect(['type', 'source', 'subject', 'contenttype'].map(snsAttributeName)).to.deep.equal(['ce_type', 'ce_source', 'ce_subject', 'contenttype']);
  });

  it('unwraps EventBridge and SNS wrappers, nested too, and leaves other text alone', () => {
    expect(unwrapBody(JSON.stringify(e))).to.deep.equal(e);
    expect(unwrapBody(JSON.stringify(eventBridgeOf(e)))).to.deep.equal(e);
    expect(unwrapBody(snsNotificationBody(JSON.stringify(eventBridgeOf(e))))).to.deep.equal(e);
    expect(unwrapBody('plain')).to.equal('plain');
    expect(unwrapBody('"a string"')).to.equal('"a string"');
  });

});
