import { expect } from 'chai';
import { RowInserter } from '../../../../providers/local/sqlite/row-inserter';
import { tempStates } from './temp-state';

describe('multi-row inserts (sqlite/row-inserter.ts)', () => {
  const states = tempStates();

  it('inserts every row, in order, across chunks of different sizes, with constants from the row SQL', () => {
    const { db } = states.open();
    db.exec('CREATE TABLE pairs (a INTEGER NOT NULL, b TEXT NOT NULL, c INTEGER NOT NULL) STRICT');
    const pairs = new RowInserter(db, 'pairs (a, b, c)', '(?, ?, 7)', 2);
    // 250 rows: two full chunks and a part one; then 3 rows, a statement of another size.
    pairs.insert(Array.from({ length: 250 }, (_, i) => [i, `r${i}`]).flat());
    pairs.insert([250, 'r250', 251, 'r251', 252, 'r252']);
    const rows = db.prepare('SELECT a, b, c FROM pairs ORDER BY rowid').all() as Array<{ a: number; b: string; c: number }>;
    expect(rows).to.have.length(253);
    expect(rows.every((r, i) => r.a === i && r.b === `r${i}` && r.c === 7)).to.equal(true);
  });

  it('inserts nothing for no values', () => {
    const { db } = states.open();
    db.exec('CREATE TABLE one (a INTEGER) STRICT');
    new RowInserter(db, 'one (a)', '(?)', 1).insert([]);
    expect(db.prepare('SELECT count(*) FROM one').pluck().get()).to.equal(0);
  });
});
