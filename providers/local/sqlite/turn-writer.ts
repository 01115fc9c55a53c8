/**
 * A store's rows written per turn of the event loop: what a store journals within one turn becomes ONE
 * group-commit write (one closure and one promise for the turn, not one per row), committed in the same
 * transaction as the transport's settlements of that turn.
 */
import type { StateDb } from './state';

export class TurnWriter<Row> {
  private rows: Row[] | undefined;

  /**
   * @param apply writes a turn's rows; run again with the same rows when its group is retried
   * @param onError a failed write (the store's memory still holds the rows; the runtime logs it)
   */
  constructor(private readonly state: StateDb, private readonly apply: (rows: readonly Row[]) => void, private readonly onError: (error: unknown) => void) {}

  add(row: Row): void {
    if (this.rows) {
      this.rows.push(row);
      return;
    }
    const rows: Row[] = (this.rows = [row]);
    this.state.write(() => {
      // Rows added after this runs go into the next turn's write.
      if (this.rows === rows) this.rows = undefined;
      this.apply(rows);
    }).catch(this.onError);
  }
}
