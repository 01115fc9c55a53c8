/** Default labels in GCP's label alphabet. */
import { expect } from 'chai';
import { defaultLabels, labelValue, MAX_LABEL_LENGTH } from '../../../providers/gcp/labels';

describe('gcp labels', () => {
  it('labels with the stack, the logical name and the kind, folded into lower-case letters, digits, _ and -', () => {
    expect(defaultLabels('Prod.EU', 'charge-payment', 'fn')).to.deep.equal({ 'herald-stack': 'prod_eu', 'herald-name': 'charge-payment', 'herald-kind': 'fn' });
    expect(labelValue('x'.repeat(100))).to.have.length(MAX_LABEL_LENGTH);
  });
});
