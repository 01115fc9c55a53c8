/**
 * The pipeline every adapter runs around a handler, in every environment:
 * decode → residual filter → validate → upcast → dedupe → invoke → classify → (the adapter encodes).
 * (The residual filter runs before validation: it reads attributes only, and an unwanted event must be
 * acknowledged, not dead-lettered for a schema this function does not read.)
 * It never throws for a bad event: every input ends as an Outcome the adapter maps to its transport.
 * Copies of one event share one claim in the idempotency store: a copy that meets another in flight waits
 * for it or is deferred, never failed, so only a handler's failure counts an attempt (see idempotency.ts).
 */
// Hot path: import from the defining modules, not the barrel (its re-exports are getters on every access).
import { attributeOf, type Envelope } from '../contracts/envelope';
import {
  EnvelopeDecodeError, HandlerTimeoutError, NonRetryableError, SchemaValidationError, UnknownEventTypeError,
} from '../contracts/errors';
import type { EventDefinition } from '../contracts/events';
import { clauseMatches, type Clause } from '../contracts/filter';
import type { HandlerDefinition, Logger } from '../contracts/handler';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { ClaimCheckStore } from './claim-check';
import { decodeEnvelope } from './codec';
import { DeadlineQueue, type DeadlineEntry } from './deadlines';
import { Context } from './context';
import { fitToLimit } from './envelopes';
import type { Claim, IdempotencyKey, IdempotencyStore } from './idempotency';
import { silentLogger } from './logger';
import type { Publisher } from './publisher';
import { EventRegistry, parseData, upcast } from './registry';
import { activeTracer, inDeliverySpan, startPublishSpans } from './tracing';

/**
 * What happened to one delivery. `retry`, `deferred` and `dead-letter` carry the reason. `attempt` is the
 * attempt as the pipeline counted it: with an idempotency store, every claim on the event by any of its
 * copies (so it may exceed the delivery's own count); without one, the delivery's. Outcomes made outside
 * the pipeline may leave it out.
 */
export type Outcome =
  | { readonly kind: 'ok'; readonly envelope: Envelope; readonly published: readonly Envelope[]; readonly durationMs: number; readonly attempt?: number }
  | { readonly kind: 'filtered'; readonly envelope: Envelope }
  | { readonly kind: 'duplicate'; readonly envelope: Envelope }
  /** Another copy of the event holds it: deliver this one again after `delayMs`, without counting an attempt. */
  | { readonly kind: 'deferred'; readonly envelope: Envelope; readonly reason: string; readonly delayMs: number; readonly durationMs: number }
  | { readonly kind: 'retry'; readonly envelope: Envelope; readonly reason: string; readonly error: unknown; readonly delayMs: number; readonly durationMs: number; readonly attempt?: number }
  | { readonly kind: 'dead-letter'; readonly envelope?: Envelope; readonly reason: string; readonly error: unknown; readonly durationMs: number; readonly attempt?: number };

export type OutcomeKind = Outcome['kind'];

/** Facts about this delivery that only the transport knows. */
export interface Delivery {
  /** 1-based: the transport's count for this message. With an idempotency store the pipeline counts attempts itself. */
  readonly attempt: number;
  /**
   * The definition the transport already checked this envelope against when it decoded it (its attributes
   * as an ingress checks them, its data parsed by this definition's schema: the Kafka binding does both).
   * When it is the very definition the pipeline reads the type with, the envelope is not decoded and its
   * data not parsed a second time. Any other definition (a hot reload swapped the code since) is ignored, and
   * a claim-checked event's data, read from the store here, is parsed all the same.
   */
  readonly checkedBy?: EventDefinition<any>;
}

export interface PipelineOptions {
  readonly functionName: string;
  readonly handler: HandlerDefinition;
  /** Every definition the function may receive or publish. */
  readonly registry: EventRegistry;
  readonly publisher: Publisher;
  /** Attempts before a failing event is dead-lettered. @default 10 */
  readonly maxAttempts?: number;
  /** The function's timeout; a handler past it fails the attempt. @default 30000 */
  readonly timeoutMs?: number;
  /** Clauses the transport could not evaluate natively. @default none */
  readonly residual?: readonly Clause[];
  /** Wire types the function may publish. @default any */
  readonly allowedPublishes?: readonly string[];
  /** @default no deduplication */
  readonly idempotency?: IdempotencyStore;
  /** How long a completed event id is remembered. @default 86400 */
  readonly idempotencyTtlSeconds?: number;
  /** Where oversize published data goes, and where `dataref` is read from. @default none: oversize is an error */
  readonly claimCheck?: ClaimCheckStore;
  readonly backoff?: BackoffOptions;
  /** @default silent */
  readonly logger?: Logger;
}

const NO_PUBLISHED: readonly Envelope[] = Object.freeze([]);

/** How a handler reads one wire type. */
interface Reader {
  readonly own: EventDefinition<any>;
  readonly upcastTo: EventDefinition<any> | undefined;
}

export class Pipeline {
  readonly functionName: string;
  private readonly byTypeName = new Map<string, EventDefinition<any>>();
  private readonly readers = new Map<string, Reader>();
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly ttl: number;
  private readonly settings: ConstructorParameters<typeof Context>[0];
  private readonly deadlines: DeadlineQueue | undefined;

  constructor(private readonly options: PipelineOptions) {
    this.functionName = options.functionName;
    for (const d of options.handler.events) this.byTypeName.set(d.type, d);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.ttl = options.idempotencyTtlSeconds ?? 86_400;
    this.deadlines = Number.isFinite(this.timeoutMs) ? new DeadlineQueue(this.timeoutMs) : undefined;
    this.settings = {
      functionName: options.functionName,
      timeoutMs: this.timeoutMs,
      logger: options.logger ?? silentLogger,
      ...(options.allowedPublishes ? { allowedPublishes: new Set(options.allowedPublishes) } : {}),
    };
  }

  /**
   * Forgets what the idempotency store remembers of `envelope` for this function (that it was handled or
   * given up on, and its attempts), so a redrive runs it again from attempt 1.
   */
  forget(envelope: Envelope): void | Promise<void> {
    return this.options.idempotency?.forget({ scope: this.functionName, source: envelope.source, id: envelope.id });
  }

  /** Runs one delivery through every step. Never rejects. */
  process(input: string | Uint8Array | object, delivery: Delivery): Promise<Outcome> {
    const started = performance.now();
    let envelope: Envelope;
    try {
      envelope = delivery.checkedBy && typeof input === 'object' && !(input instanceof Uint8Array) ? input as Envelope : decodeEnvelope(input);
    } catch (error) {
      return Promise.resolve(this.deadLetter(errorEnvelope(input), error, started, delivery.attempt));
    }
    const owned = typeof input === 'string' || input instanceof Uint8Array;
    // With an OpenTelemetry SDK installed, the delivery runs in its span; without one, nothing is created.
    const tracer = activeTracer();
    if (tracer) return inDeliverySpan(tracer, envelope, this.functionName, () => this.processEnvelope(envelope, owned, delivery, started));
    return this.processEnvelope(envelope, owned, delivery, started);
  }

  private processEnvelope(envelope: Envelope, owned: boolean, delivery: Delivery, started: number): Promise<Outcome> {
    if (envelope.data === undefined && typeof envelope.dataref === 'string') return this.processClaimed(envelope, delivery, started);
    return this.processDecoded(envelope, owned, delivery, started);
  }

  private async processClaimed(envelope: Envelope, delivery: Delivery, started: number): Promise<Outcome> {
    let claimed: Envelope;
    try {
      claimed = await this.claim(envelope);
    } catch (error) {
      return this.deadLetter(envelope, error, started, delivery.attempt);
    }
    // The data just read was checked by nobody.
    return this.processDecoded(claimed, true, delivery.checkedBy ? { attempt: delivery.attempt } : delivery, started);
  }

  // The hot path stays free of async functions: each await costs microtask hops the bare loop does not pay.
  private processDecoded(envelope: Envelope, owned: boolean, delivery: Delivery, started: number): Promise<Outcome> {
    // The residual filter reads envelope attributes only, so it runs before validation: an event this
    // subscription does not want (a type it does not read included) is acknowledged, not dead-lettered.
    const { residual } = this.options;
    if (residual) {
      for (const clause of residual) {
        if (!clauseMatches(clause, attributeOf(envelope, clause.field))) return Promise.resolve({ kind: 'filtered', envelope });
      }
    }
    let reader: Reader;
    let data: unknown;
    try {
      reader = this.readerFor(envelope.type);
      data = reader.own === delivery.checkedBy ? envelope.data : parseData(reader.own, envelope.data);
      if (reader.upcastTo) data = upcast(data, reader.own, reader.upcastTo);
    } catch (error) {
      return Promise.resolve(this.deadLetter(envelope, error, started, delivery.attempt));
    }
    // An envelope this pipeline parsed is its own to update; a caller's object is copied, never mutated.
    // An upcast event is shown to the handler as the version it reads: its type names its data.
    let event = envelope;
    if (reader.upcastTo) event = { ...envelope, type: reader.upcastTo.wireType, data };
    else if (data !== envelope.data) {
      if (owned) (envelope as { data: unknown }).data = data;
      else event = { ...envelope, data };
    }
    if (this.options.idempotency) return this.processOnce(this.options.idempotency, envelope, event, delivery, started);
    return this.attempt(envelope, event, delivery.attempt, started, undefined);
  }

  // A synchronous store (the in-memory one) is used without awaiting: each await is microtask hops.
  private processOnce(store: IdempotencyStore, envelope: Envelope, event: Envelope, delivery: Delivery, started: number): Promise<Outcome> {
    const key: IdempotencyKey = { scope: this.functionName, source: envelope.source, id: envelope.id };
    let claim: Claim | Promise<Claim>;
    try {
      claim = store.begin(key, this.ttl);
    } catch (error) {
      return Promise.resolve(this.storeFailed(envelope, error, delivery, started));
    }
    if (!(claim instanceof Promise)) return this.claimed(claim, store, key, envelope, event, delivery, started);
    return claim.then(
      (c) => this.claimed(c, store, key, envelope, event, delivery, started),
      (error: unknown) => this.storeFailed(envelope, error, delivery, started),
    );
  }

  /**
   * What a copy does with the store's answer. Only a claim runs the handler, and its attempt is the
   * store's count, whichever copy made the earlier ones: copies of a failing event share its attempts.
   * When the transport counted more (a store that no longer knows the event: an in-memory store after a
   * restart, an expired record), the transport's count stands, so a restart hands no event fresh attempts.
   */
  private claimed(claim: Claim, store: IdempotencyStore, key: IdempotencyKey, envelope: Envelope, event: Envelope, delivery: Delivery, started: number): Promise<Outcome> {
    switch (claim.state) {
      case 'claimed':
        return this.attempt(envelope, event, Math.max(claim.attempt, delivery.attempt), started, key);
      case 'completed':
      case 'dead-lettered':
        return Promise.resolve({ kind: 'duplicate', envelope });
      case 'in-progress': {
        // The holder runs in this process: wait until the event is done with (a copy then ends as a
        // duplicate the moment it succeeds, or is given up on). Otherwise come back once its hold lapses,
        // or after one timeout, whichever is sooner: by then the holder has finished or failed.
        const holding = 'another delivery of this event is being handled';
        const settled = store.whenSettled?.(key);
        if (!settled) return Promise.resolve(this.defer(envelope, Math.min(claim.until - Date.now(), this.timeoutMs), holding, started));
        // Bounded: a holder's retries may not come back (another copy may hold them up); this copy then takes its turn.
        const waited = this.deadlines ? this.deadlines.run(settled, () => new HandlerTimeoutError(this.timeoutMs)) : settled;
        return waited.then(
          () => this.processOnce(store, envelope, event, delivery, started),
          () => this.defer(envelope, this.timeoutMs, holding, started),
        );
      }
    }
  }

  /** Another copy holds the event: this one comes back after `delayMs`, its attempt not counted. */
  private defer(envelope: Envelope, delayMs: number, reason: string, started: number): Outcome {
    return { kind: 'deferred', envelope, reason, delayMs: Math.max(1, Math.ceil(delayMs)), durationMs: performance.now() - started };
  }

  /** The store could not be read: the attempt fails as any other would (the transport counts it). */
  private storeFailed(envelope: Envelope, error: unknown, delivery: Delivery, started: number): Outcome {
    this.settings.logger.warn('idempotency store failed', { function: this.functionName, eventId: envelope.id, error: describe(error) });
    return this.classify(envelope, error, delivery.attempt, started);
  }

  /** One invocation: its outcome once the handler settles or its deadline passes, whichever comes first. */
  private attempt(envelope: Envelope, event: Envelope, attempt: number, started: number, key: IdempotencyKey | undefined): Promise<Outcome> {
    const ctx = new Context(this.settings, envelope, attempt, Date.now());
    return new Promise<Outcome>((resolve) => {
      let done = false;
      let entry: DeadlineEntry | undefined;
      const run = this.call(event, ctx);
      if (this.deadlines) {
        entry = this.deadlines.track(() => {
          if (done) return;
          done = true;
          resolve(this.afterFailure(envelope, ctx, new HandlerTimeoutError(this.timeoutMs), started, key));
        });
      }
      run.then(
        () => {
          if (done) return;
          done = true;
          if (entry) this.deadlines!.settle(entry);
          resolve(this.afterSuccess(envelope, ctx, started, key));
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          if (entry) this.deadlines!.settle(entry);
          resolve(this.afterFailure(envelope, ctx, error, started, key));
        },
      );
    });
  }

  /** The handler's promise, also when it threw synchronously or returned no promise. */
  private call(event: Envelope, ctx: Context): Promise<void> {
    try {
      return Promise.resolve(this.options.handler.handle(event as never, ctx));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private afterSuccess(envelope: Envelope, ctx: Context, started: number, key: IdempotencyKey | undefined): Outcome | Promise<Outcome> {
    ctx.close();
    if (ctx.outbox.length) return this.complete(envelope, ctx, started, key);
    let completed: void | Promise<void> = undefined;
    try {
      if (key !== undefined) completed = this.options.idempotency!.complete(key, this.ttl);
    } catch (error) {
      return this.afterFailure(envelope, ctx, error, started, key);
    }
    if (completed instanceof Promise) return this.complete(envelope, ctx, started, key, completed);
    return { kind: 'ok', envelope, published: NO_PUBLISHED, durationMs: performance.now() - started, attempt: ctx.attempt };
  }

  /** Publishes the outbox and marks the key completed; a failure of either fails the attempt. */
  private async complete(envelope: Envelope, ctx: Context, started: number, key: IdempotencyKey | undefined, completing?: Promise<void>): Promise<Outcome> {
    const store = this.options.idempotency;
    try {
      const published = ctx.outbox.length ? await this.send(ctx.outbox) : NO_PUBLISHED;
      if (completing) await completing;
      else if (store && key !== undefined) await store.complete(key, this.ttl);
      return { kind: 'ok', envelope, published, durationMs: performance.now() - started, attempt: ctx.attempt };
    } catch (error) {
      return this.afterFailure(envelope, ctx, error, started, key);
    }
  }

  /**
   * A failed attempt: retried or given up on. A retry frees the claim and keeps the count (waiting copies
   * keep waiting: this delivery's retry claims it next); giving up makes every copy a duplicate.
   */
  private afterFailure(envelope: Envelope, ctx: Context, error: unknown, started: number, key: IdempotencyKey | undefined): Outcome | Promise<Outcome> {
    ctx.close(error as Error);
    const outcome = this.classify(envelope, error, ctx.attempt, started);
    const store = this.options.idempotency;
    if (!store || key === undefined) return outcome;
    // A store that cannot be written leaves the claim held until it lapses; the retry then waits for that.
    const kept = (storeError: unknown) => {
      this.settings.logger.warn('could not settle the claim', { function: this.functionName, eventId: envelope.id, error: describe(storeError) });
      return outcome;
    };
    let settling: void | Promise<void>;
    try {
      settling = outcome.kind === 'retry' ? store.release(key, this.ttl) : store.giveUp(key, this.ttl);
    } catch (storeError) {
      return kept(storeError);
    }
    return settling instanceof Promise ? settling.then(() => outcome, kept) : outcome;
  }

  /**
   * How this handler reads a wire type: its own definition (to validate against) and the version to upcast
   * to, if any. Worked out once per wire type; a type it cannot read throws (the event is dead-lettered).
   */
  private readerFor(wireType: string): Reader {
    const known = this.readers.get(wireType);
    if (known) return known;
    const own = this.options.registry.get(wireType);
    const wanted = this.byTypeName.get(own.type);
    if (!wanted) throw new UnknownEventTypeError(wireType, { cause: new Error(`${this.functionName} reads no ${own.type}`) });
    if (wanted.version < own.version) {
      throw new SchemaValidationError(own.wireType, [`${this.functionName} reads ${wanted.wireType} and cannot read the newer ${own.wireType}`]);
    }
    const reader: Reader = { own, upcastTo: wanted === own ? undefined : wanted };
    this.readers.set(wireType, reader);
    return reader;
  }

  private async send(outbox: Envelope[]): Promise<readonly Envelope[]> {
    const store = this.options.claimCheck;
    const tracer = activeTracer();
    const ended = tracer ? startPublishSpans(tracer, outbox, this.functionName) : undefined;
    try {
      const fitted = await Promise.all(outbox.map((e) => fitToLimit(e, store)));
      await this.options.publisher.publish(fitted);
      ended?.();
      return fitted;
    } catch (error) {
      ended?.(error);
      throw error;
    }
  }

  private async claim(envelope: Envelope): Promise<Envelope> {
    const store = this.options.claimCheck;
    if (!store) throw new EnvelopeDecodeError(`the event's data is behind dataref ${envelope.dataref} and no claim-check store is configured`);
    const json = await store.get(envelope.dataref as string);
    return { ...envelope, data: JSON.parse(json) };
  }

  private classify(envelope: Envelope, error: unknown, attempt: number, started: number): Outcome {
    const durationMs = performance.now() - started;
    if (error instanceof NonRetryableError) return this.deadLetter(envelope, error, started, attempt);
    if (attempt >= this.maxAttempts) {
      const reason = `gave up after ${attempt} attempts: ${describe(error)}`;
      this.settings.logger.warn('dead-letter', { function: this.functionName, eventId: envelope.id, type: envelope.type, reason });
      return { kind: 'dead-letter', envelope, reason, error, durationMs, attempt };
    }
    const delayMs = backoffDelay(attempt, this.options.backoff);
    this.settings.logger.warn('retry', { function: this.functionName, eventId: envelope.id, attempt, delayMs, error: describe(error) });
    return { kind: 'retry', envelope, reason: describe(error), error, delayMs, durationMs, attempt };
  }

  private deadLetter(envelope: Envelope | undefined, error: unknown, started: number, attempt: number): Outcome {
    const reason = describe(error);
    this.settings.logger.warn('dead-letter', { function: this.functionName, eventId: envelope?.id, type: envelope?.type, reason });
    return { kind: 'dead-letter', ...(envelope ? { envelope } : {}), reason, error, durationMs: performance.now() - started, attempt };
  }
}

/** `Name: message`, the reason attached to a dead letter. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Whatever of the envelope could be read, so a dead letter keeps the id and type when it can. */
function errorEnvelope(input: unknown): Envelope | undefined {
  if (typeof input === 'object' && input !== null && !(input instanceof Uint8Array)) return input as Envelope;
  try {
    const text = typeof input === 'string' ? input : Buffer.from(input as Uint8Array).toString('utf8');
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
