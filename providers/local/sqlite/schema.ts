/**
 * The state database's schema, in parts: each store that keeps state in it (the transport's events and
 * deliveries; later dead letters, the idempotency store, traces) declares its own part with its own
 * ordered migrations, next to the code that reads its tables. The `schema_versions` table records how
 * far each part is migrated, so adding a store's table is a new part (or a new migration at the end of
 * one) where that store lives, and never an edit to a shared list.
 */
import type { Database } from 'better-sqlite3';
import { HeraldError } from '../../../contracts';

/** One migration: SQL run as one script, or a function for what SQL alone cannot do. */
export type Migration = string | ((db: Database) => void);

export interface SchemaPart {
  /** Unique in the database: `transport`, `dead-letters`, … */
  readonly name: string;
  /** In order, never edited once released: version n is the first n applied. Append to change the schema. */
  readonly migrations: readonly Migration[];
}

/** The database was written by a newer Herald, whose schema this one does not know. */
export class StateVersionError extends HeraldError {
  constructor(readonly file: string, readonly part: string, readonly found: number, readonly known: number) {
    super(`${file}: the ${part} tables are at schema version ${found}, newer than this Herald knows (${known}); `
      + 'run the Herald that wrote it, or start with another --state file');
  }
}

const VERSIONS = `CREATE TABLE IF NOT EXISTS schema_versions (
  part TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  applied_at TEXT NOT NULL
) STRICT`;

/** Creates the version table when missing. */
export function initSchema(db: Database): void {
  db.exec(VERSIONS);
}

/** The version a part is at; 0 when it was never migrated. */
export function schemaVersion(db: Database, part: string): number {
  const row = db.prepare('SELECT version FROM schema_versions WHERE part = ?').get(part) as { version: number } | undefined;
  return row?.version ?? 0;
}

/**
 * Applies a part's missing migrations, all in one transaction with its version update: a crash mid-way
 * leaves the part at its old version, never half-migrated.
 * @throws StateVersionError when the database holds a newer version of the part than `part` knows
 */
export function migrate(db: Database, file: string, part: SchemaPart): void {
  db.transaction(() => {
    const at = schemaVersion(db, part.name);
    if (at > part.migrations.length) throw new StateVersionError(file, part.name, at, part.migrations.length);
    if (at === part.migrations.length) return;
    for (const m of part.migrations.slice(at)) {
      if (typeof m === 'string') db.exec(m);
      else m(db);
    }
    db.prepare(`INSERT INTO schema_versions (part, version, applied_at) VALUES (?, ?, ?)
      ON CONFLICT (part) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at`)
      .run(part.name, part.migrations.length, new Date().toISOString());
  }).immediate();
}
