/**
 * Tables and their change triggers, in memory: `PUT /tables/<table>/rows/<key>` writes a row (the JSON
 * body), `DELETE` removes it, `GET` reads it. Each write that changes a row emits the table's change event,
 * `{ table, op, keys, newImage?, oldImage? }`, built by runtime/ingress-events.ts as on every target; each
 * write has its own id (as a change record does), which the event id derives from. As with DynamoDB
 * streams, a write that changes nothing emits nothing. A write whose event would not fit its schema is
 * refused (400) and the row is left as it was.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { SchemaValidationError, type Envelope, type EventDefinition, type TableSpec } from '../../contracts';
import { JsonTextError, changeEvent, parseJsonBytes, type ChangeData } from '../../runtime';
import { HttpError } from './http';

type Row = Readonly<Record<string, unknown>>;

/** Largest row accepted, DynamoDB's item limit. @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html */
export const MAX_ROW_BYTES = 400 * 1024;

/** What a write did. `op` is `unchanged` for a write that left the row as it was (no event then). */
export interface RowWriteResult {
  readonly table: string;
  readonly op: ChangeData['op'] | 'unchanged';
  readonly keys: Row;
  /** Ids of the events emitted (none without a change trigger, or when nothing changed). */
  readonly ids: readonly string[];
}

export interface TablesOptions {
  readonly definition: (wireType: string) => EventDefinition<any>;
  /** Sends a change event to the trigger's target; a throw leaves the row as it was. */
  /** Resolves once the event is accepted (a durable transport: committed); the row is written only then. */
  readonly emit: (table: TableSpec, envelope: Envelope) => void | Promise<void>;
}

export class LocalTables {
  private readonly byName: Map<string, TableSpec>;
  private readonly rows = new Map<string, Map<string, Row>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(tables: readonly TableSpec[], private readonly options: TablesOptions) {
    this.byName = new Map(tables.map((t) => [t.name, t]));
    for (const t of tables) this.rows.set(t.name, new Map());
  }

  has(table: string): boolean {
    return this.byName.has(table);
  }

  /** A row, or undefined. @throws HttpError 404 unknown table, 400 a key of the wrong shape */
  get(table: string, key: readonly string[]): Row | undefined {
    const spec = this.spec(table);
    return this.rows.get(table)!.get(rowId(keysOf(spec, key)));
  }

  /**
   * Writes a whole row; its key attributes are filled in from `key` (partition key value, then sort key value).
   * @throws HttpError 404 unknown table; 400 a row that is not a JSON object, a key of the wrong shape or
   *   not matching the row's, or a change event that does not fit its schema
   */
  put(table: string, key: readonly string[], row: unknown): Promise<RowWriteResult> {
    return this.serially(() => this.write(table, key, row));
  }

  private async write(table: string, key: readonly string[], row: unknown): Promise<RowWriteResult> {
    const spec = this.spec(table);
    const keys = keysOf(spec, key);
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new HttpError(400, 'a row is a JSON object');
    for (const [name, value] of Object.entries(keys)) {
      const given = (row as Row)[name];
      if (given !== undefined && given !== value) {
        throw new HttpError(400, `the row's ${name} ${JSON.stringify(given)} does not match the key in the path ${JSON.stringify(value)}`);
      }
    }
    const next = { ...(row as Row), ...keys };
    const old = this.rows.get(table)!.get(rowId(keys));
    if (old && isDeepStrictEqual(old, next)) return { table, op: 'unchanged', keys, ids: [] };
    return this.apply(spec, keys, old ? { op: 'modify', newImage: next, oldImage: old } : { op: 'insert', newImage: next });
  }

  /** Removes a row. @throws HttpError 404 unknown table or row; 400 a key of the wrong shape */
  delete(table: string, key: readonly string[]): Promise<RowWriteResult> {
    return this.serially(async () => {
      const spec = this.spec(table);
      const keys = keysOf(spec, key);
      const old = this.rows.get(table)!.get(rowId(keys));
      if (!old) throw new HttpError(404, `no row ${key.join('/')} in table "${table}"`);
      return this.apply(spec, keys, { op: 'remove', oldImage: old });
    });
  }

  /** Writes one at a time, so each change event's old image is the row as the previous write left it. */
  private serially<T>(write: () => Promise<T>): Promise<T> {
    const done = this.queue.then(write);
    this.queue = done.then(() => undefined, () => undefined);
    return done;
  }

  // The event is built, then emitted (and accepted), then the row written: a refused event or a failed emit changes nothing.
  private async apply(spec: TableSpec, keys: Row, change: Pick<ChangeData, 'op' | 'newImage' | 'oldImage'>): Promise<RowWriteResult> {
    const trigger = spec.onChange;
    let envelope: Envelope | undefined;
    if (trigger) {
      try {
        envelope = changeEvent(this.options.definition(trigger.emits), { table: spec.name, keys, ...change }, { id: randomUUID() }, keyNames(spec));
      } catch (error) {
        if (error instanceof SchemaValidationError) throw new HttpError(400, `the row's change event does not fit its schema: ${error.message}`);
        throw error;
      }
      await this.options.emit(spec, envelope);
    }
    const rows = this.rows.get(spec.name)!;
    if (change.newImage) rows.set(rowId(keys), change.newImage);
    else rows.delete(rowId(keys));
    return { table: spec.name, op: change.op, keys, ids: envelope ? [envelope.id] : [] };
  }

  private spec(table: string): TableSpec {
    const spec = this.byName.get(table);
    if (!spec) throw new HttpError(404, `no table "${table}"; tables: ${[...this.byName.keys()].join(', ') || 'none'}`);
    return spec;
  }
}

/**
 * A row as the JSON body of a write.
 * @throws HttpError 400 when the body is not UTF-8 JSON
 */
export function parseRow(body: Buffer): unknown {
  try {
    return parseJsonBytes(body);
  } catch (error) {
    if (error instanceof JsonTextError) throw new HttpError(400, `malformed JSON: ${error.message}`);
    throw error;
  }
}

/**
 * The table and key values of a row path, `<table>/rows/<partition key value>[/<sort key value>]`, each
 * part percent-decoded. @throws HttpError 400 for a malformed escape
 */
export function rowPath(table: string, key: string): { table: string; key: string[] } {
  try {
    return { table: decodeURIComponent(table), key: key.split('/').map(decodeURIComponent) };
  } catch {
    throw new HttpError(400, `malformed percent-escape in /tables/${table}/rows/${key}`);
  }
}

function keyNames(spec: TableSpec): string[] {
  return spec.sortKey ? [spec.partitionKey, spec.sortKey] : [spec.partitionKey];
}

/** The key attributes of a row from the path's key segments. @throws HttpError 400 for the wrong number or an empty one */
function keysOf(spec: TableSpec, key: readonly string[]): Row {
  const names = keyNames(spec);
  if (key.length !== names.length || key.some((k) => k === '')) {
    throw new HttpError(400, `table "${spec.name}" is keyed by ${names.join(' and ')}: give ${names.map((n) => `<${n}>`).join('/')} after /rows/`);
  }
  return Object.fromEntries(names.map((n, i) => [n, key[i]!]));
}

// The key values, in key order, as one unambiguous string.
const rowId = (keys: Row) => JSON.stringify(Object.values(keys));
