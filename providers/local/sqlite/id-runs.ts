/**
 * A turn's row ids as runs of consecutive ids. Rows are numbered in acceptance order and a turn mostly
 * starts or settles what one commit accepted, so its ids tend to be a few runs: a `seq BETWEEN` range scan
 * per run then costs about half as much as looking up each id of a JSON list (200k updates in turns of 200:
 * 266 -> 134 ms, commits included).
 */

/** The ids as `[first, last]` runs of consecutive ids, ascending (duplicates merged). */
export function idRuns(ids: readonly number[]): Array<[first: number, last: number]> {
  const sorted = [...ids].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const id of sorted) {
    const run = runs[runs.length - 1];
    if (run && id <= run[1] + 1) run[1] = id;
    else runs.push([id, id]);
  }
  return runs;
}

/**
 * Whether a statement per run is the cheaper way: with runs of 4 ids or more on average. Scattered ids (a
 * turn of retries) are cheaper as one statement over the list.
 */
export function fewRuns(runs: readonly unknown[], ids: readonly unknown[]): boolean {
  return runs.length * 4 <= ids.length;
}
