/** IAM helpers: primitive roles refused, member forms. */
import { expect } from 'chai';
import { assertNarrow, PRIMITIVE_ROLES, ROLES } from '../../../providers/gcp/iam';

describe('gcp iam', () => {
  it('refuses every primitive role and passes the predefined ones Herald grants', () => {
    for (const role of PRIMITIVE_ROLES) expect(() => assertNarrow(role)).to.throw(RangeError, /primitive role/);
    for (const role of Object.values(ROLES)) expect(assertNarrow(role)).to.equal(role);
    expect(ROLES.invoker).to.equal('roles/run.invoker'); // gen2 functions are Cloud Run services
  });
});
