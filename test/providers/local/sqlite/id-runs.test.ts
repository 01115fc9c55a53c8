import { expect } from 'chai';
import { fewRuns, idRuns } from '../../../../providers/local/sqlite/id-runs';

describe('row ids as runs (sqlite/id-runs.ts)', () => {
  it('finds the runs of consecutive ids in any order, merging duplicates', () => {
    expect(idRuns([5, 1, 2, 3, 9, 4, 10, 12, 3])).to.deep.equal([[1, 5], [9, 10], [12, 12]]);
    expect(idRuns([])).to.deep.equal([]);
  });

  it('prefers a statement per run only for runs of 4 ids or more on average', () => {
    const contiguous = Array.from({ length: 8 }, (_, i) => i + 1);
    expect(fewRuns(idRuns(contiguous), contiguous)).to.equal(true);
    const scattered = [1, 3, 5, 7, 9, 11, 13, 15];
    expect(fewRuns(idRuns(scattered), scattered)).to.equal(false);
  });
});
