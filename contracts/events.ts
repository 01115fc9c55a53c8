import { z } from 'zod';
import { EXTENSION_NAME_PATTERN } from './limits';

/** Computes a declared extension attribute from the event data when the event is published. */
export type ExtensionFn<T> = (data: T) => string | undefined;

/** How a version is read as the next one: the previous definition and the function that upgrades its data. */
export interface Upcaster<Prev, T> {
  readonly from: EventDefinition<Prev>;
  readonly upcast: (previous: Prev) => T;
}

/** What `defineEvent` takes. */
export interface EventSpec<T> {
  /** PascalCase business fact, e.g. `OrderPlaced`. */
  readonly type: string;
  /** Positive integer; a new version needs `upcastFrom` the previous one. */
  readonly version: number;
  /** Reverse-DNS-ish producer name, e.g. `shop.orders`. */
  readonly source: string;
  readonly schema: z.ZodType<T>;
  /** Human description, exported into the JSON Schema. */
  readonly description?: string;
  /**
   * Extension attributes filters may use, each computed from the data at publish time, so every publisher
   * promotes them to transport attributes the same way. Names: `[a-z0-9]{1,20}` (CloudEvents).
   * @default {}
   */
  readonly extensions?: Readonly<Record<string, ExtensionFn<T>>>;
  /** The previous version and its upcaster (required for version > 1 if v(n-1) consumers must be read). */
  readonly upcastFrom?: Upcaster<any, T>;
}

/** An immutable, versioned business fact. The wire type is `Name.vN`. */
export interface EventDefinition<T = unknown> extends EventSpec<T> {
  readonly kind: 'event';
  /** `OrderPlaced.v2` */
  readonly wireType: string;
  readonly extensions: Readonly<Record<string, ExtensionFn<T>>>;
  /** The chain of wire types this definition can read, itself first: `['OrderPlaced.v2', 'OrderPlaced.v1']`. */
  readonly readableTypes: readonly string[];
  /** JSON Schema (draft 2020-12) of the data, for registries and docs. */
  jsonSchema(): Record<string, unknown>;
}

/** The data type of a definition. */
export type DataOf<D> = D extends EventDefinition<infer T> ? T : never;

const TYPE_NAME = /^[A-Z][A-Za-z0-9]{0,63}$/;

/**
 * Declares an event.
 * @throws TypeError on a malformed name, version, extension name or upcaster chain.
 */
export function defineEvent<T>(spec: EventSpec<T>): EventDefinition<T> {
  if (!TYPE_NAME.test(spec.type)) throw new TypeError(`event type "${spec.type}" must be PascalCase [A-Za-z0-9]`);
  if (!Number.isInteger(spec.version) || spec.version < 1) {
    throw new TypeError(`${spec.type}: version must be a positive integer, got ${spec.version}`);
  }
  const extensions = spec.extensions ?? {};
  for (const name of Object.keys(extensions)) {
    if (!EXTENSION_NAME_PATTERN.test(name)) {
      throw new TypeError(`${spec.type}: extension "${name}" must match ${EXTENSION_NAME_PATTERN}`);
    }
  }
  const previous = spec.upcastFrom?.from;
  if (previous && (previous.type !== spec.type || previous.version !== spec.version - 1)) {
    throw new TypeError(`${spec.type}.v${spec.version}: upcastFrom must be ${spec.type}.v${spec.version - 1}`);
  }
  const wireType = `${spec.type}.v${spec.version}`;
  return Object.freeze({
    ...spec,
    kind: 'event' as const,
    wireType,
    extensions,
    readableTypes: Object.freeze([wireType, ...(previous?.readableTypes ?? [])]),
    jsonSchema: () => ({
      ...z.toJSONSchema(spec.schema),
      $id: wireType,
      title: wireType,
      ...(spec.description ? { description: spec.description } : {}),
    }),
  });
}

/** Narrows an envelope's data to a definition's, for handlers that take several types. */
export function isEvent<T>(definition: EventDefinition<T>, event: { type: string }): event is { type: string; data: T } {
  return event.type === definition.wireType;
}
