/**
 * A valid example of an event, derived from its definition, for samples a user can run (`herald invoke
 * --sample`): the data is made from the schema's JSON Schema — its own `examples` (zod `.meta({ examples
 * })`), `const`, `default` or first `enum` value where it has one, else a value of the type within its
 * bounds, formats and patterns — and then checked by the schema itself. An event of a subscription also
 * gets attribute values its filter accepts, so the sample reaches the handler.
 */
import type { Envelope } from '../contracts/envelope';
import { SchemaValidationError } from '../contracts/errors';
import type { EventDefinition } from '../contracts/events';
import { clauseMatches, type Clause } from '../contracts/filter';
import { newEnvelope } from './envelopes';
import { patternExample } from './pattern-example';

type Schema = Record<string, any>;

/**
 * Example data of a definition that its schema accepts.
 * @throws SchemaValidationError when no valid example could be made (give the field an example with `.meta({ examples: […] })`)
 */
export function exampleData(definition: EventDefinition<any>): unknown {
  let root: Schema;
  try {
    root = definition.jsonSchema();
  } catch (error) {
    throw new SchemaValidationError(definition.wireType, [`its schema has no JSON Schema to make an example from (${(error as Error).message})`], { cause: error });
  }
  const data = valueOf(root, root, 'data');
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SchemaValidationError(definition.wireType, [...issues, 'give these fields an example with .meta({ examples: [...] })']);
  }
  return data;
}

/**
 * An example event of a definition (its example data, a fixed id and time) whose attributes also satisfy
 * `clauses`, the filter of the subscription that reads it: a clause the event does not meet gets an
 * attribute value it accepts (never `type`, which names the data).
 */
export function exampleEvent(definition: EventDefinition<any>, clauses: readonly Clause[] = []): Envelope {
  const envelope: Record<string, unknown> = {
    ...newEnvelope(definition, exampleData(definition) as never, { id: EXAMPLE_ID, time: EXAMPLE_TIME }),
    traceparent: EXAMPLE_TRACEPARENT,
  };
  for (const clause of clauses) {
    const value = envelope[clause.field];
    if (clause.field === 'type' || clauseMatches(clause, typeof value === 'string' ? value : undefined)) continue;
    if (clause.op === 'notExists') delete envelope[clause.field];
    else envelope[clause.field] = acceptedValue(clause, typeof value === 'string' ? value : undefined);
  }
  return envelope as unknown as Envelope;
}

/** The id, time and trace of example events: fixed, so a sample is the same every time. */
export const EXAMPLE_ID = '00000000-0000-4000-8000-000000000001';
export const EXAMPLE_TIME = '2026-01-01T00:00:00.000Z';
/** The W3C Trace Context specification's own example. @see https://www.w3.org/TR/trace-context/#traceparent-header */
export const EXAMPLE_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function acceptedValue(clause: Clause, current: string | undefined): string {
  switch (clause.op) {
    case 'in': return clause.values[0]!;
    case 'prefix': return `${clause.values[0]}${current ?? 'example'}`;
    case 'notIn': return [current, 'example', 'example-other'].find((v) => v !== undefined && !clause.values.includes(v))!;
    default: return current ?? 'example';
  }
}

function valueOf(schema: Schema, root: Schema, name: string): unknown {
  if (typeof schema.$ref === 'string') return valueOf(resolve(schema.$ref, root), root, name);
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (choices?.length) return valueOf(choices.find((c) => c.type !== 'null') ?? choices[0]!, root, name);
  if (Array.isArray(schema.allOf) && schema.allOf.length) return valueOf(Object.assign({}, ...schema.allOf), root, name);
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [schema.properties ? 'object' : 'string'];
  switch (types.find((t) => t !== 'null') ?? 'null') {
    case 'object': return objectOf(schema, root);
    case 'array': return arrayOf(schema, root, name);
    case 'integer': return numberOf(schema, true);
    case 'number': return numberOf(schema, false);
    case 'boolean': return true;
    case 'string': return stringOf(schema, name);
    default: return null;
  }
}

function resolve(ref: string, root: Schema): Schema {
  const found = ref.replace(/^#\/?/, '').split('/').filter(Boolean).reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  if (!found || typeof found !== 'object') throw new TypeError(`JSON Schema reference ${ref} does not resolve`);
  return found;
}

// Every declared property, optional ones too: a sample shows what an event can carry.
function objectOf(schema: Schema, root: Schema): Record<string, unknown> {
  return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([key, s]) => [key, valueOf(s, root, key)]));
}

function arrayOf(schema: Schema, root: Schema, name: string): unknown[] {
  const tuple = (schema.prefixItems ?? []) as Schema[];
  const items = [...tuple.map((s, i) => valueOf(s, root, `${name}-${i}`))];
  const count = Math.max(1, schema.minItems ?? 0);
  const item = schema.items && typeof schema.items === 'object' ? (schema.items as Schema) : undefined;
  while (item && items.length < count) items.push(valueOf(item, root, name));
  return items;
}

function numberOf(schema: Schema, integer: boolean): number {
  let value = 1;
  if (typeof schema.minimum === 'number') value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) value = schema.exclusiveMinimum + 1;
  if (typeof schema.maximum === 'number') value = Math.min(value, schema.maximum);
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) value = schema.exclusiveMaximum - 1;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  return integer ? Math.ceil(value) : value;
}

/** Values that read well in a sample, tried against a string's format, pattern and length before anything made up. */
const FORMATS: Readonly<Record<string, string>> = {
  email: 'ada@example.com', 'date-time': '2026-01-01T00:00:00Z', date: '2026-01-01', time: '00:00:00',
  uuid: '00000000-0000-4000-8000-000000000000', uri: 'https://example.com/', url: 'https://example.com/', hostname: 'example.com',
  ipv4: '192.0.2.1', ipv6: '2001:db8::1',
};
const COMMON = ['EUR', '2026-01-01', '2026-01-01T00:00:00Z', 'ada@example.com', 'example', 'image/png', 'https://example.com/'];

function stringOf(schema: Schema, name: string): string {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  const pattern = typeof schema.pattern === 'string' ? safeRegExp(schema.pattern) : undefined;
  const fits = (s: string) => s.length >= min && s.length <= max && (!pattern || pattern.test(s));
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  const named = `${name}-1`;
  const candidates = [format, ...(pattern ? [...COMMON, patternExample(schema.pattern)] : [named]), ...COMMON];
  const found = candidates.find((c): c is string => c !== undefined && fits(c));
  if (found !== undefined) return found;
  // Stretch or cut the name to the length bounds; the schema check says when that is still not valid.
  return named.padEnd(min, 'x').slice(0, Number.isFinite(max) ? max : undefined);
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}
