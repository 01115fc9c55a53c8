import type { Envelope } from './envelope';
import type { DataOf, EventDefinition } from './events';

/** Structured log lines; fields are merged into one JSON object per line by the runtime. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Options of `ctx.publish`. */
export interface PublishOptions {
  readonly subject?: string;
  /** Overrides the generated id (which is derived from the handled event, so a retried handler republishes the same ids). */
  readonly id?: string;
}

/** What a handler gets besides its event. */
export interface HandlerContext {
  /**
   * Publishes an event after the handler succeeds (an outbox: a failed attempt publishes nothing).
   * The event inherits this event's `correlationid` and `traceparent`; its `causationid` is this event's `id`.
   * @throws SchemaValidationError when `data` does not fit the definition.
   * @throws UndeclaredPublishError when the function did not declare the event in `publishes`.
   */
  publish<D extends EventDefinition<any>>(definition: D, data: DataOf<D>, options?: PublishOptions): Promise<void>;
  /** 1 on the first delivery, 2 on the first retry, … */
  readonly attempt: number;
  /** When the function's timeout runs out. */
  readonly deadline: Date;
  /** Aborted when the deadline passes, for handlers that call cancellable APIs. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The correlation id shared with every event of the same originating request. */
  readonly correlationId: string;
  /** The function being run. */
  readonly functionName: string;
}

/** The envelope a handler of these definitions receives: one arm per definition, narrowable by `type`. */
export type EventOf<D> = D extends EventDefinition<infer T> ? Envelope<T> : never;

/** A handler: one event per call; a throw means this event failed. */
export type HandlerFn<D extends EventDefinition<any>> = (event: EventOf<D>, ctx: HandlerContext) => Promise<void>;

/** What `on` returns and a function module exports as `handler`. */
export interface HandlerDefinition<D extends EventDefinition<any> = EventDefinition<any>> {
  readonly kind: 'handler';
  /** The definitions this handler reads; events of older versions are upcast to these. */
  readonly events: readonly D[];
  readonly handle: HandlerFn<D>;
}

/**
 * Declares a handler for one event definition, or several (`on([A, B], …)`).
 * The module of a function exports it as `handler`.
 */
export function on<D extends EventDefinition<any>>(events: D | readonly D[], handle: HandlerFn<D>): HandlerDefinition<D> {
  const list = (Array.isArray(events) ? events : [events]) as readonly D[];
  if (list.length === 0) throw new TypeError('on(): give at least one event definition');
  const names = list.map((d) => d.type);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new TypeError(`on(): ${twice} is listed twice; a handler reads one version of each event`);
  return Object.freeze({ kind: 'handler' as const, events: Object.freeze([...list]), handle });
}

/** Whether a module export is a handler definition. */
export function isHandlerDefinition(value: unknown): value is HandlerDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'handler';
}
