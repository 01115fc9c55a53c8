/**
 * The pipeline every adapter runs around a handler, in every environment:
 * decode → validate → upcast → residual filter → dedupe → invoke → classify → (the adapter encodes).
 * It never throws for a bad event: every input ends as an Outcome the adapter maps to its transport.
 */
import {
  EnvelopeDecodeError, HandlerTimeoutError, NonRetryableError, OversizeEventError, SchemaValidationError,
  UnknownEventTypeError, matchesClauses, type Clause, type Envelope, type EventDefinition, type HandlerDefinition, type Logger,
} from '../contracts';
import { backoffDelay, type BackoffOptions } from './backoff';
import type { ClaimCheckStore } from './claim-check';
import { decodeEnvelope } from './codec';
import { DeadlineQueue } from './deadlines';
import { Context } from './context';
import { fitToLimit } from './envelopes';
import type { IdempotencyStore } from './idempotency';
import { silentLogger } from './logger';
import type { Publisher } from './publisher';
import { EventRegistry, parseData, upcast } from './registry';

/** What happened to one delivery. `retry` and `dead-letter` carry the reason. */
export type Outcome =
  | { readonly kind: 'ok'; readonly envelope: Envelope; readonly published: readonly Envelope[]; readonly durationMs: number }
  | { readonly kind: 'filtered'; readonly envelope: Envelope }
  | { readonly kind: 'duplicate'; readonly envelope: Envelope }
  | { readonly kind: 'retry'; readonly envelope: Envelope; readonly reason: string; readonly error: unknown; readonly delayMs: number; readonly durationMs: number }
  | { readonly kind: 'dead-letter'; readonly envelope?: Envelope; readonly reason: string; readonly error: unknown; readonly durationMs: number };

export type OutcomeKind = Outcome['kind'];

/** Facts about this delivery that only the transport knows. */
export interface Delivery {
  /** 1-based. */
  readonly attempt: number;
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

export class Pipeline {
  readonly functionName: string;
  private readonly byTypeName = new Map<string, EventDefinition<any>>();
  /** Wire types the handler reads without upcasting. */
  private readonly readsAsIs = new Set<string>();
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly ttl: number;
  private readonly settings: ConstructorParameters<typeof Context>[0];
  private readonly deadlines: DeadlineQueue | undefined;

  constructor(private readonly options: PipelineOptions) {
    this.functionName = options.functionName;
    for (const d of options.handler.events) {
      this.byTypeName.set(d.type, d);
      this.readsAsIs.add(d.wireType);
    }
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

  /** Runs one delivery through every step. Never rejects. */
  async process(input: string | Uint8Array | object, delivery: Delivery): Promise<Outcome> {
    const started = performance.now();
    let envelope: Envelope;
    let data: unknown;
    try {
      envelope = decodeEnvelope(input);
      if (envelope.data === undefined && typeof envelope.dataref === 'string') envelope = await this.claim(envelope);
      data = this.readAs(envelope);
    } catch (error) {
      return this.deadLetter(errorEnvelope(input), error, started);
    }
    const { residual } = this.options;
    if (residual && residual.length && !matchesClauses(residual, (f) => attribute(envelope, f))) {
      return { kind: 'filtered', envelope };
    }
    const store = this.options.idempotency;
    const key = store ? `${this.functionName}\u0000${envelope.source}\u0000${envelope.id}` : '';
    if (store) {
      const state = await store.begin(key, this.ttl);
      if (state === 'completed') return { kind: 'duplicate', envelope };
      if (state === 'in-progress') {
        const error = new Error('another delivery of this event is being handled');
        return this.classify(envelope, error, delivery, started, false);
      }
    }
    const ctx = new Context(this.settings, envelope, delivery.attempt, Date.now());
    // An envelope this pipeline parsed is its own to update (unless upcast: the type must keep naming the data);
    // a caller's object is copied, never mutated.
    const owned = (typeof input === 'string' || input instanceof Uint8Array) && this.readsAsIs.has(envelope.type);
    const event = data === envelope.data ? envelope : owned ? Object.assign(envelope, { data }) : { ...envelope, data };
    try {
      await this.invoke(event, ctx);
      ctx.close();
      const published = ctx.outbox.length ? await this.send(ctx.outbox) : NO_PUBLISHED;
      if (store) await store.complete(key, this.ttl);
      return { kind: 'ok', envelope, published, durationMs: performance.now() - started };
    } catch (error) {
      ctx.close(error as Error);
      if (store) await store.release(key);
      return this.classify(envelope, error, delivery, started, true);
    }
  }

  /** The data as the handler reads it: validated against its own version, then upcast. */
  private readAs(envelope: Envelope): unknown {
    const own = this.options.registry.get(envelope.type);
    const wanted = this.byTypeName.get(own.type);
    if (!wanted) throw new UnknownEventTypeError(envelope.type, { cause: new Error(`${this.functionName} reads no ${own.type}`) });
    if (wanted.version < own.version) {
      throw new SchemaValidationError(own.wireType, [`${this.functionName} reads ${wanted.wireType} and cannot read the newer ${own.wireType}`]);
    }
    const data = parseData(own, envelope.data);
    return wanted === own ? data : upcast(data, own, wanted);
  }

  private invoke(event: Envelope, ctx: Context): Promise<void> {
    const run = this.options.handler.handle(event as never, ctx);
    if (!this.deadlines) return run;
    return this.deadlines.run(run, () => new HandlerTimeoutError(this.timeoutMs));
  }

  private async send(outbox: Envelope[]): Promise<readonly Envelope[]> {
    const store = this.options.claimCheck;
    const fitted = await Promise.all(outbox.map((e) => fitToLimit(e, store)));
    await this.options.publisher.publish(fitted);
    return fitted;
  }

  private async claim(envelope: Envelope): Promise<Envelope> {
    const store = this.options.claimCheck;
    if (!store) throw new EnvelopeDecodeError(`the event's data is behind dataref ${envelope.dataref} and no claim-check store is configured`);
    const json = await store.get(envelope.dataref as string);
    return { ...envelope, data: JSON.parse(json) };
  }

  private classify(envelope: Envelope, error: unknown, delivery: Delivery, started: number, handlerFailed: boolean): Outcome {
    const durationMs = performance.now() - started;
    if (error instanceof NonRetryableError) return this.deadLetter(envelope, error, started);
    if (delivery.attempt >= this.maxAttempts) {
      const reason = `gave up after ${delivery.attempt} attempts: ${describe(error)}`;
      this.settings.logger.warn('dead-letter', { function: this.functionName, eventId: envelope.id, type: envelope.type, reason });
      return { kind: 'dead-letter', envelope, reason, error, durationMs };
    }
    const delayMs = backoffDelay(delivery.attempt, this.options.backoff);
    if (handlerFailed) {
      this.settings.logger.warn('retry', { function: this.functionName, eventId: envelope.id, attempt: delivery.attempt, delayMs, error: describe(error) });
    }
    return { kind: 'retry', envelope, reason: describe(error), error, delayMs, durationMs };
  }

  private deadLetter(envelope: Envelope | undefined, error: unknown, started: number): Outcome {
    const reason = describe(error);
    this.settings.logger.warn('dead-letter', { function: this.functionName, eventId: envelope?.id, type: envelope?.type, reason });
    return { kind: 'dead-letter', ...(envelope ? { envelope } : {}), reason, error, durationMs: performance.now() - started };
  }
}

/** `Name: message`, the reason attached to a dead letter. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Whether an error means the input itself is bad (as opposed to a failing handler). */
export function isBadInput(error: unknown): boolean {
  return error instanceof EnvelopeDecodeError || error instanceof SchemaValidationError
    || error instanceof UnknownEventTypeError || error instanceof OversizeEventError;
}

function attribute(envelope: Envelope, field: string): string | undefined {
  const value = envelope[field];
  return typeof value === 'string' ? value : undefined;
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
