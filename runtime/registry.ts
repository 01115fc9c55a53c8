/**
 * The event registry: finds a definition by wire type, validates data against its schema and upcasts
 * an event to the version a handler reads.
 */
import type { Envelope } from '../contracts/envelope';
import { SchemaValidationError, UnknownEventTypeError } from '../contracts/errors';
import type { EventDefinition } from '../contracts/events';
import { MAX_LISTED_PROBLEMS } from '../contracts/limits';

type Def = EventDefinition<any>;

export class EventRegistry {
  private readonly byWireType = new Map<string, Def>();

  constructor(definitions: Iterable<Def>) {
    for (const d of definitions) {
      for (let v: Def | undefined = d; v; v = v.upcastFrom?.from) this.byWireType.set(v.wireType, v);
    }
  }

  /** @throws UnknownEventTypeError */
  get(wireType: string): Def {
    const d = this.byWireType.get(wireType);
    if (!d) throw new UnknownEventTypeError(wireType);
    return d;
  }

  has(wireType: string): boolean {
    return this.byWireType.has(wireType);
  }

  definitions(): Def[] {
    return [...this.byWireType.values()];
  }

  /**
   * The envelope's data, checked against its own version's schema.
   * @throws UnknownEventTypeError, SchemaValidationError
   */
  parse(envelope: Envelope): unknown {
    return parseData(this.get(envelope.type), envelope.data);
  }
}

/**
 * Data checked against a definition (zod output: unknown keys stripped, defaults applied). The error lists
 * the first MAX_LISTED_PROBLEMS issues and counts the rest: zod finds them all, but only those are
 * turned into text.
 */
export function parseData(definition: Def, data: unknown): unknown {
  const result = definition.schema.safeParse(data);
  if (result.success) return result.data;
  const { issues } = result.error;
  const listed = issues.slice(0, MAX_LISTED_PROBLEMS).map((i) => `${i.path.length ? i.path.join('.') : '(data)'}: ${i.message}`);
  throw new SchemaValidationError(definition.wireType, listed, { total: issues.length });
}

/**
 * Upcasts data of `from` to `to` (same event, a later version) along the declared upcasters, checking
 * the result of each step.
 * @throws Error when `to` cannot read `from`.
 */
export function upcast(data: unknown, from: Def, to: Def): unknown {
  if (from === to || from.wireType === to.wireType) return data;
  const chain: Def[] = [];
  for (let d: Def | undefined = to; d && d.wireType !== from.wireType; d = d.upcastFrom?.from) chain.push(d);
  if (chain.length === 0 || chain[chain.length - 1]!.upcastFrom?.from.wireType !== from.wireType) {
    throw new SchemaValidationError(to.wireType, [`${to.wireType} cannot read ${from.wireType}: no upcaster chain`]);
  }
  let value = data;
  for (let i = chain.length - 1; i >= 0; i--) {
    const step = chain[i]!;
    value = parseData(step, step.upcastFrom!.upcast(value));
  }
  return value;
}
