/**
 * Many rows inserted by one statement: `INSERT INTO t (a, b) VALUES (?, ?), (?, ?), …`. Per row, SQLite
 * then runs no statement of its own and better-sqlite3 makes one call for a whole chunk, not one per row:
 * for the transport's event and delivery rows that took the inserts of 50k events from about 870 to 570 ms
 * (with their commits). A statement is prepared once per row count met, up to CHUNK rows.
 */
import type { Database, Statement } from 'better-sqlite3';

/**
 * Rows per statement. A chunk binds CHUNK × columns parameters, far under SQLite's limit (32766), and a
 * request's batch of 100 events is one chunk.
 */
const CHUNK = 100;

export class RowInserter {
  private readonly statements = new Map<number, Statement>();

  /**
   * @param into the table and its columns, e.g. `events (seq, id)`
   * @param row one row's values, in SQL: one `?` per value passed to `insert`, constants as they are
   */
  constructor(private readonly db: Database, private readonly into: string, private readonly row: string, private readonly width: number) {}

  /** Inserts `values.length / width` rows, each `width` values in `row`'s order. */
  insert(values: readonly unknown[]): void {
    const rows = values.length / this.width;
    for (let first = 0; first < rows; first += CHUNK) {
      const count = Math.min(CHUNK, rows - first);
      const chunk = count === rows ? values : values.slice(first * this.width, (first + count) * this.width);
      this.statement(count).run(chunk);
    }
  }

  private statement(rows: number): Statement {
    let statement = this.statements.get(rows);
    if (!statement) {
      statement = this.db.prepare(`INSERT INTO ${this.into} VALUES ${Array.from({ length: rows }, () => this.row).join(', ')}`);
      this.statements.set(rows, statement);
    }
    return statement;
  }
}
