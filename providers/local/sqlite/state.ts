/**
 * The embedded runtime's state database (`.herald/state.db` by default): one SQLite file, opened by one
 * process at a time, where the durable transport keeps every accepted event and each subscription's
 * delivery state. Stores add their tables as schema parts (schema.ts) and write through `write`, the
 * group commit (group-commit.ts).
 *
 * Durability: WAL journal, `synchronous=NORMAL`. Each commit is appended to the WAL file before `write`
 * resolves, and is fsynced at the next checkpoint rather than at every commit. A process crash (`kill -9`,
 * an uncaught error, the OOM killer) therefore loses nothing committed: the written pages are in the
 * operating system's cache, which outlives the process. An OS crash or power loss can lose the commits
 * since the last checkpoint (the database stays consistent; it just ends earlier). That is the promise of
 * a single Kafka broker with acks=all: the broker acknowledges once the write is in its log, in the page
 * cache, and does not fsync per message (it relies on replicas, and with one broker there are none). Both
 * survive the process dying and neither survives the machine losing power mid-write; `synchronous=FULL`
 * would, at an fsync per commit.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { HeraldError } from '../../../contracts';
import { GroupCommit, type GroupCommitOptions, type Write } from './group-commit';
import { initSchema, migrate, type SchemaPart } from './schema';

/** Where `herald dev` keeps its state, under the app root, unless `--state` says otherwise. */
export const DEFAULT_STATE_FILE = path.join('.herald', 'state.db');

/** Another process (or another runtime in this one) has the state database open. */
export class StateLockedError extends HeraldError {
  constructor(readonly file: string, options?: ErrorOptions) {
    super(`${file} is in use by another process (another herald dev?); stop it, or start with another --state file or --memory`, options);
  }
}

export type StateOptions = GroupCommitOptions;

export interface StateDb {
  /** The file, as given. */
  readonly file: string;
  /** The connection, for a store's prepared statements. Write only through `write`. */
  readonly db: Database.Database;
  /** Brings a store's tables up to date (schema.ts). @throws StateVersionError */
  migrate(part: SchemaPart): void;
  /** Queues a write for the next group commit; resolves with its result once committed (group-commit.ts). */
  write<T>(write: Write<T>): Promise<T>;
  /** Commits what is queued now, synchronously. */
  flush(): void;
  /** Transactions committed by `write` so far. */
  readonly commits: number;
  /** Commits what is queued and closes the file; later writes reject. Idempotent. */
  close(): void;
}

/**
 * Opens (creating when missing, with its folder) the state database and takes its lock.
 * @throws StateLockedError when another process holds it; SqliteError when the file is not a database
 */
export function openState(file: string, options: StateOptions = {}): StateDb {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // No busy timeout: the lock is held for the life of the connection, so waiting would not help.
  const db = new Database(file, { timeout: 0 });
  try {
    // Exclusive locking, taken by the first write below and held until close: two runtimes delivering from
    // one file would each deliver every event. It also keeps the WAL index in process memory.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Settled rows are deleted and their pages reused; cap what a checkpointed WAL keeps on disk.
    db.pragma('journal_size_limit = 67108864');
    db.exec('BEGIN IMMEDIATE; COMMIT');
    initSchema(db);
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new StateLockedError(file, { cause: error });
    throw error;
  }
  const group = new GroupCommit(db, options);
  let open = true;
  return {
    file,
    db,
    migrate: (part) => migrate(db, file, part),
    write: (w) => group.write(w),
    flush: () => group.flush(),
    get commits() { return group.commits; },
    close() {
      if (!open) return;
      open = false;
      group.close();
      db.close();
    },
  };
}
