/**
 * Reads the chaos handlers' shared log (app.ts: one `fn id attempt ok|fail pid` line per handler run) as it
 * grows, keeping per function and event what the run is checked against: whether it succeeded, how often
 * its handler ran, and how often it ran again after a success (a re-run, which the claims store forbids).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** What the handlers did for one function and one event. */
export interface Runs {
  /** Runs in all, failed ones included. */
  count: number;
  /** Successful runs. */
  oks: number;
  /** The process of the first success, if any. */
  okBy?: number;
  /** Runs after the first success. */
  after: number;
  /** The processes that ran it after its success. */
  readonly againBy: number[];
}

export class HandlerLog {
  /** Per function, per event id. */
  readonly runs = new Map<string, Map<string, Runs>>();
  /** Handler runs read so far. */
  lines = 0;
  private offset = 0;
  private partial = '';

  constructor(private readonly file: string) {}

  /** Reads what was appended since the last call. */
  catchUp(): void {
    const fd = openSync(this.file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset += read;
      const text = this.partial + buffer.subarray(0, read).toString('utf8');
      const lines = text.split('\n');
      // A line being appended right now is read whole next time.
      this.partial = lines.pop()!;
      for (const line of lines) if (line) this.add(line);
    } finally {
      closeSync(fd);
    }
  }

  /** What `fn` did with event `id`. */
  of(fn: string, id: string): Runs | undefined {
    return this.runs.get(fn)?.get(id);
  }

  private add(line: string): void {
    const [fn, id, , outcome, pid] = line.split(' ');
    if (!fn || !id || (outcome !== 'ok' && outcome !== 'fail') || !pid) throw new Error(`unreadable handler log line: ${JSON.stringify(line)}`);
    this.lines++;
    let byId = this.runs.get(fn);
    if (!byId) this.runs.set(fn, (byId = new Map()));
    let runs = byId.get(id);
    if (!runs) byId.set(id, (runs = { count: 0, oks: 0, after: 0, againBy: [] }));
    runs.count++;
    if (outcome === 'ok') runs.oks++;
    if (runs.okBy !== undefined) {
      runs.after++;
      runs.againBy.push(Number(pid));
    } else if (outcome === 'ok') {
      runs.okBy = Number(pid);
    }
  }
}
